import t from 'tap';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase } from '../helpers/test-db.js';
import { appendAuditEvent } from '../../src/audit/append-event.js';
import { createAuditSealer } from '../../src/audit/sealer.js';
import { runCliInProcess } from '../helpers/run-cli.js';
import { makeTestPki } from './fixtures/test-pki.js';

const pki = makeTestPki();
const tdb = await createTestDatabase();
t.teardown(tdb.drop);
const dir = await mkdtemp(path.join(os.tmpdir(), 'edoc-audit-cli-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));
await writeFile(path.join(dir, 'ca.pem'), pki.caCertPem);

const sealer = createAuditSealer({ db: tdb.db, signer: pki.signer, checkpointIntervalMs: 3_600_000, checkpointEveryEntries: 4 });
for (let i = 0; i < 10; i++) {
  await tdb.db.tx((q) => appendAuditEvent(q, { type: 'delivery.acknowledged', actor: 'X', organs: ['X', 'Y'], deliveryId: `d${i}` }));
}
await sealer.sealOnce();
await sealer.checkpointNow();

const cli = (args: string[]) => runCliInProcess(args, { env: { DATABASE_URL: tdb.url, EDOC_CERTS_DIR: dir, EDOC_HOME: dir }, cwd: dir });

t.test('audit export then audit verify --file', async (t) => {
  const help = await cli(['audit', 'export', '--help']);
  t.equal(help.code, 0);
  t.match(help.stdout, /--organ ID/);
  t.equal((await cli(['audit', 'export', '--format', 'xml'])).code, 2);
  t.equal((await cli(['audit', 'export', '--type', 'nope'])).code, 2);

  const r = await cli(['audit', 'export', '--out', 'all.ndjson', '--auditor', 'kt']);
  t.equal(r.code, 0, r.stderr);
  const v = await cli(['audit', 'verify', '--file', 'all.ndjson', '--ca', 'ca.pem']);
  t.equal(v.code, 0, v.stdout + v.stderr);
  t.equal(JSON.parse(v.stdout).ok, true);

  const text = await readFile(path.join(dir, 'all.ndjson'), 'utf8');
  await writeFile(path.join(dir, 'bad.ndjson'), text.replace('"deliveryId":"d2"', '"deliveryId":"d9"'));
  const bad = await cli(['audit', 'verify', '--file', 'bad.ndjson']);
  t.equal(bad.code, 1);
  t.same(JSON.parse(bad.stdout).firstFailure, { seq: '3', reason: 'hash does not match the content' });

  const csv = await cli(['audit', 'export', '--format', 'csv']);
  t.equal(csv.code, 0);
  t.match(csv.stdout, /^kind,seq,prev_hash/);
  t.equal((await cli(['audit', 'verify', '--file', 'missing.ndjson'])).code, 1);
});

t.test('audit verify against the database', async (t) => {
  let v = await cli(['audit', 'verify']);
  t.equal(v.code, 0, v.stdout + v.stderr);
  t.equal(JSON.parse(v.stdout).ok, true);
  await tdb.db.tx(async (q) => {
    await q.query('SET LOCAL session_replication_role = replica');
    await q.query("UPDATE audit_events SET actor = 'Z' WHERE id = (SELECT event_id FROM audit_chain WHERE seq = 2)");
  });
  v = await cli(['audit', 'verify']);
  t.equal(v.code, 1);
  t.equal(JSON.parse(v.stdout).firstFailure.seq, '2');
});

t.test('audit verify and export on the embedded database (no DATABASE_URL)', async (t) => {
  const { openDb } = await import('../../src/store/open-db.js');
  const home = await mkdtemp(path.join(os.tmpdir(), 'edoc-audit-embedded-'));
  t.teardown(() => rm(home, { recursive: true, force: true }));
  await writeFile(path.join(home, 'ca.pem'), pki.caCertPem);
  const db = await openDb({ databaseUrl: null, dataDir: path.join(home, 'var') });
  const s = createAuditSealer({ db, signer: pki.signer, checkpointIntervalMs: 3_600_000, checkpointEveryEntries: 3 });
  for (let i = 0; i < 5; i++) await db.tx((q) => appendAuditEvent(q, { type: 'message.accepted', actor: 'X', organs: ['X'], messageId: `e${i}` }));
  await s.checkpointNow();
  await db.close();
  const env = { EDOC_HOME: home, EDOC_CERTS_DIR: home, EDOC_DATA_DIR: 'var' };
  const run = (args: string[]) => runCliInProcess(args, { env, cwd: home });
  const v = await run(['audit', 'verify']);
  t.equal(v.code, 0, v.stdout);
  t.equal(JSON.parse(v.stdout).entries >= 5, true);
  const e = await run(['audit', 'export', '--out', 'x.ndjson']);
  t.equal(e.code, 0);
  t.equal((await run(['audit', 'verify', '--file', 'x.ndjson'])).code, 0);
});
