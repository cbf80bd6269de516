import t from 'tap';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase } from '../helpers/test-db.js';
import { runCli } from '../helpers/run-cli.js';
import { changeAgency, importDirectoryChanges } from '../../src/directory/change-directory.js';
import { loadDirectoryFile } from '../../src/directory/load-directory-file.js';
import { getAgencies } from '../../src/store/agency-repo.js';

t.test('operator changes are stored and logged by kind', async (t) => {
  const tdb = await createTestDatabase();
  t.teardown(tdb.drop);
  const n = await importDirectoryChanges(tdb.db, 'operator:test', await loadDirectoryFile());
  t.ok(n >= 30);
  t.equal(await importDirectoryChanges(tdb.db, 'operator:test', await loadDirectoryFile()), 0, 'a second import changes nothing');

  await changeAgency(tdb.db, 'operator:test', '000.00.00.H41', { signaturePolicy: 'lenient', delivery: { mode: 'push', endpoint: 'https://h41.example/in' } });
  const fp = 'aa'.repeat(32);
  await changeAgency(tdb.db, 'operator:test', '000.00.00.H41', { certificates: [fp.toUpperCase().match(/.{2}/g)!.join(':')] });
  const h41 = (await getAgencies(tdb.db, ['000.00.00.H41'])).get('000.00.00.H41')!;
  t.equal(h41.signaturePolicy, 'lenient');
  t.same(h41.delivery, { mode: 'push', endpoint: 'https://h41.example/in' });
  const events = await tdb.db.query<{ type: string; actor: string }>("SELECT type, actor FROM audit_events WHERE organs @> ARRAY['000.00.00.H41'] ORDER BY id");
  t.same(
    events.rows.map((e) => e.type),
    ['directory.changed', 'directory.changed', 'policy.changed', 'certificate.changed'],
    'creation, delivery change, policy change and pinning each logged',
  );
  await t.rejects(changeAgency(tdb.db, 'operator:test', 'NEW.1', { signaturePolicy: 'lenient' }), { code: 'directory.unknown_agency' });
});

t.test('agencies CLI', async (t) => {
  const tdb = await createTestDatabase();
  t.teardown(tdb.drop);
  const env = { DATABASE_URL: tdb.url };
  const dir = mkdtempSync(path.join(tmpdir(), 'edoc-dir-'));
  const file = path.join(dir, 'd.yaml');
  writeFileSync(file, 'agencies:\n  - { organId: T.01, name: Thử nghiệm }\n');
  const imported = await runCli(['agencies', 'import', file], env);
  t.equal(imported.code, 0, imported.stderr);
  t.match(imported.stdout, /1 agencies read, 1 added or changed/);
  const set = await runCli(['agencies', 'set', 'T.01', '--endpoint', 'https://t01.example/in', '--policy', 'lenient'], env);
  t.equal(set.code, 0, set.stderr);
  const listed = await runCli(['agencies', 'list', '--json'], env);
  const agencies = (JSON.parse(listed.stdout) as { agencies: { organId: string; delivery: { mode: string } }[] }).agencies;
  t.same(agencies.find((a) => a.organId === 'T.01')?.delivery, { mode: 'push', endpoint: 'https://t01.example/in' });
  const bad = await runCli(['agencies', 'set', 'T.01', '--delivery', 'push', '--endpoint', 'http://plain'], env);
  t.equal(bad.code, 2, 'a bad option value is a usage error');
  t.match(bad.stderr, /https[\s\S]*Usage: edoc-hub agencies set/);
  writeFileSync(file, 'agencies:\n  - { organId: "bad id", name: x }\n');
  const invalid = await runCli(['agencies', 'import', file], env);
  t.equal(invalid.code, 1);
  t.match(invalid.stderr, /directory.invalid_file/);
});
