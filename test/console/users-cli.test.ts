/** `edoc-hub users add` and `users list` as a child process on a real PostgreSQL database. */
import t from 'tap';
import { createTestDatabase } from '../helpers/test-db.js';
import { runCli } from '../helpers/run-cli.js';
import { importDirectory } from '../../src/store/agency-repo.js';
import { loadDirectoryFile } from '../../src/directory/load-directory-file.js';
import { createSessionManager } from '../../src/console/console-sessions.js';
import { DEFAULT_CONSOLE_OPTIONS } from '../../src/console/console-options.js';

t.test('users add / list', async (t) => {
  const tdb = await createTestDatabase();
  t.teardown(tdb.drop);
  await tdb.db.tx(async (q) => importDirectory(q, await loadDirectoryFile()));
  const env = { DATABASE_URL: tdb.url, LOG_LEVEL: 'silent' };

  const help = await runCli(['users', 'add', '--help'], env);
  t.equal(help.code, 0);
  t.match(help.stdout, /Usage: edoc-hub users add USERNAME --role clerk\|auditor\|operator \[--organ ORGANID\]/);
  t.match((await runCli(['users', 'list', '--help'], env)).stdout, /Usage: edoc-hub users list/);

  const added = await runCli(['users', 'add', 'vanthu.h41', '--role', 'clerk', '--organ', '000.00.00.H41'], env, 'Mật khẩu Nghệ An 2026\nignored second line\n');
  t.equal(added.code, 0, added.stderr);
  t.match(added.stdout, /vanthu\.h41 created \(clerk of 000\.00\.00\.H41\)/);
  t.equal((await runCli(['users', 'add', 'kiemtoan', '--role', 'auditor'], env, 'another long one')).code, 0, 'password without a line end');

  const again = await runCli(['users', 'add', 'vanthu.h41', '--role', 'clerk', '--organ', '000.00.00.H41'], env, 'whatever123\n');
  t.equal(again.code, 1);
  t.match(again.stderr, /console\.user_exists/);
  t.equal((await runCli(['users', 'add', 'x.y', '--role', 'clerk'], env, 'password123\n')).code, 2, 'a clerk needs --organ');
  t.equal((await runCli(['users', 'add', 'x.y', '--role', 'auditor', '--organ', '000.00.00.H41'], env, 'password123\n')).code, 2, 'only clerks have an agency');
  t.equal((await runCli(['users', 'add', 'x.y', '--role', 'boss'], env, 'password123\n')).code, 2, 'unknown role');
  t.equal((await runCli(['users', 'add', 'Bad Name', '--role', 'auditor'], env, 'password123\n')).code, 2, 'bad username');
  const unknown = await runCli(['users', 'add', 'x.y', '--role', 'clerk', '--organ', '999.99.99.Z99'], env, 'password123\n');
  t.equal(unknown.code, 1);
  t.match(unknown.stderr, /console\.unknown_agency/);
  t.equal((await runCli(['users', 'add', 'x.y', '--role', 'auditor'], env, 'short\n')).code, 1, 'too short a password');

  const list = await runCli(['users', 'list', '--json'], env);
  t.equal(list.code, 0);
  const users = JSON.parse(list.stdout) as { username: string; role: string; organId: string | null }[];
  t.same(users.map((u) => [u.username, u.role, u.organId]), [['kiemtoan', 'auditor', null], ['vanthu.h41', 'clerk', '000.00.00.H41']]);
  t.notMatch(list.stdout, /scrypt/, 'no hashes printed');
  t.match((await runCli(['users', 'list'], env)).stdout, /^USERNAME\s+ROLE\s+AGENCY/);

  const sessions = createSessionManager(tdb.db, DEFAULT_CONSOLE_OPTIONS);
  t.equal((await sessions.signIn('vanthu.h41', 'Mật khẩu Nghệ An 2026')).session.organId, '000.00.00.H41', 'the first stdin line is the password');
  t.equal((await runCli(['users', 'add', 'vanthu.h41', '--reset'], env, 'new password 2027\n')).code, 0, '--reset');
  await t.rejects(sessions.signIn('vanthu.h41', 'Mật khẩu Nghệ An 2026'), { code: 'console.bad_credentials' });
  t.ok(await sessions.signIn('vanthu.h41', 'new password 2027'));
  const logged = await tdb.db.query<{ n: string }>("SELECT count(*)::text AS n FROM audit_events WHERE type = 'user.changed'");
  t.equal(logged.rows[0]?.n, '3', 'creations and the reset are in the exchange log');
  t.equal((await runCli(['users', 'add', 'nobody', '--reset'], env, 'new password 2027\n')).code, 1, 'no reset of a user that does not exist');
});
