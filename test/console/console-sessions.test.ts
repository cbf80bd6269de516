/** Sign-in, sessions and lock-out on a real PostgreSQL database, with a controllable clock. */
import t from 'tap';
import { pino } from 'pino';
import { createTestDatabase } from '../helpers/test-db.js';
import { createSessionManager } from '../../src/console/console-sessions.js';
import { DEFAULT_CONSOLE_OPTIONS, consoleOptionsFromEnv } from '../../src/console/console-options.js';
import { ensureDemoUsers, demoClerkName, formatDemoUsers } from '../../src/console/ensure-demo-users.js';
import { findConsoleUser, listConsoleUsers } from '../../src/store/user-repo.js';
import { importDirectory } from '../../src/store/agency-repo.js';
import { loadDirectoryFile } from '../../src/directory/load-directory-file.js';
import { addUser, PASSWORD } from './helpers/console-users.js';

t.test('sessions, CSRF tokens and lock-out', async (t) => {
  const tdb = await createTestDatabase();
  t.teardown(tdb.drop);
  await tdb.db.tx(async (q) => importDirectory(q, await loadDirectoryFile()));
  await addUser(tdb.db, 'vanthu.g22', 'clerk', '000.00.00.G22');
  let clock = new Date();
  const sessions = createSessionManager(tdb.db, { ...DEFAULT_CONSOLE_OPTIONS, maxFailedSignIns: 3, lockMs: 60_000 }, () => clock);

  const { sessionId, session } = await sessions.signIn('  VanThu.G22 ', PASSWORD);
  t.same(session.caller, { kind: 'clerk', name: 'vanthu.g22', organId: '000.00.00.G22' }, 'the caller the exchange functions see');
  t.match(sessionId, /^[A-Za-z0-9_-]{43}$/, '32 random bytes');
  const stored = await tdb.db.query<{ id_hash: string }>('SELECT id_hash FROM console_sessions');
  t.equal(stored.rows.length, 1);
  t.not(stored.rows[0]!.id_hash, sessionId, 'the database keeps only a hash of the session id');
  t.equal((await sessions.resolve(sessionId))?.csrfToken, session.csrfToken, 'the session resolves with its CSRF token');
  t.equal(await sessions.resolve('x'.repeat(43)), null, 'an unknown id is no session');
  await sessions.signOut(sessionId);
  t.equal(await sessions.resolve(sessionId), null, 'signed out');

  for (let i = 0; i < 2; i++) await t.rejects(sessions.signIn('vanthu.g22', 'wrong'), { code: 'console.bad_credentials' });
  t.equal((await findConsoleUser(tdb.db, 'vanthu.g22'))?.failed_attempts, 2, 'failures are counted');
  await t.rejects(sessions.signIn('vanthu.g22', 'wrong'), { code: 'console.locked', status: 423 }, 'the third failure locks (configured)');
  await t.rejects(sessions.signIn('vanthu.g22', PASSWORD), { code: 'console.locked' }, 'locked even with the right password');
  clock = new Date(clock.getTime() + 61_000);
  await t.rejects(sessions.signIn('vanthu.g22', 'wrong'), { code: 'console.bad_credentials' }, 'after the lock a new count starts');
  await sessions.signIn('vanthu.g22', PASSWORD);
  const user = await findConsoleUser(tdb.db, 'vanthu.g22');
  t.same([user?.failed_attempts, user?.locked_until], [0, null], 'a good sign-in clears the count');
  await t.rejects(sessions.signIn('nobody', PASSWORD), { code: 'console.bad_credentials' }, 'unknown users look like wrong passwords');
});

t.test('options from the environment', async (t) => {
  const o = consoleOptionsFromEnv({ EDOC_CONSOLE_MAX_FAILED_SIGNINS: '7', EDOC_CONSOLE_LOCK_MINUTES: '2', EDOC_CONSOLE_IDLE_MINUTES: 'x' });
  t.same([o.maxFailedSignIns, o.lockMs, o.idleMs], [7, 120_000, DEFAULT_CONSOLE_OPTIONS.idleMs]);
});

t.test('demo users at first start', async (t) => {
  const tdb = await createTestDatabase();
  t.teardown(tdb.drop);
  await tdb.db.tx(async (q) => importDirectory(q, await loadDirectoryFile()));
  const log = pino({ level: 'silent' });
  const users = await ensureDemoUsers(tdb.db, log);
  const names = users.map((u) => u.username);
  t.ok(names.includes('vanthu.g22') && names.includes('vanthu.h41') && names.includes('auditor') && names.includes('operator'));
  t.equal(demoClerkName('000.00.18.G12'), 'vanthu.000.00.18.g12');
  t.equal(users.find((u) => u.username === 'vanthu.h41')?.organId, '000.00.00.H41');
  t.ok(users.every((u) => u.password.length >= 16), 'random passwords');
  const sessions = createSessionManager(tdb.db, DEFAULT_CONSOLE_OPTIONS);
  const h41 = users.find((u) => u.username === 'vanthu.h41')!;
  t.equal((await sessions.signIn(h41.username, h41.password)).session.organId, '000.00.00.H41', 'the printed password works');
  t.match(formatDemoUsers(users, 'https://127.0.0.1:8443/console'), new RegExp(`vanthu\\.h41\\s+${h41.password.replace(/[-]/g, '\\-')}\\s+clerk 000\\.00\\.00\\.H41`));
  const stored = await listConsoleUsers(tdb.db);
  t.ok(stored.every((u) => !u.password_hash.includes(users.find((x) => x.username === u.username)!.password)), 'no password stored in clear');
  t.same(await ensureDemoUsers(tdb.db, log), [], 'second start: nothing created, nothing printed');
});
