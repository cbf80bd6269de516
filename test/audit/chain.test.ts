import t from 'tap';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';
import { appendAuditEvent, appendAuditEvents } from '../../src/audit/append-event.js';
import { createAuditSealer } from '../../src/audit/sealer.js';
import { readChain, readCheckpoints } from '../../src/audit/read-chain.js';
import { verifyAuditChain } from '../../src/audit/verify-chain.js';
import { verifyAuditDatabase } from '../../src/audit/verify-database.js';
import { waitSealed } from '../../src/audit/wait-sealed.js';
import { checkpointPayload } from '../../src/audit/checkpoint-payload.js';
import { makeTestPki } from './fixtures/test-pki.js';
import { seedChain } from './fixtures/seed-chain.js';

const pki = makeTestPki();
const child = fileURLToPath(new URL('./fixtures/append-child.ts', import.meta.url));

async function fresh(t: { teardown(fn: () => unknown): void }, opts: { every?: number } = {}) {
  const tdb = await createTestDatabase();
  t.teardown(tdb.drop);
  const sealer = createAuditSealer({
    db: tdb.db,
    signer: pki.signer,
    checkpointIntervalMs: 3_600_000,
    checkpointEveryEntries: opts.every ?? 10,
    batchSize: 7,
  });
  return { tdb, sealer };
}

/** `parallel`: worker threads over windows of 4 entries, so joins between windows are exercised on small chains. */
function verifyDb(tdb: TestDatabase, mode: 'sequential' | 'parallel' = 'sequential') {
  return verifyAuditDatabase(tdb.db, {
    caCertPem: pki.caCertPem,
    ...(mode === 'parallel' ? { databaseUrl: tdb.url, threads: 2, windowSize: 4 } : { threads: 1 }),
  });
}

/** Runs SQL as superuser with the append-only triggers off, as an intruder would. */
async function tamper(tdb: TestDatabase, sql: string, params: unknown[] = []) {
  await tdb.db.tx(async (q) => {
    await q.query('SET LOCAL session_replication_role = replica');
    await q.query(sql, params);
  });
}

t.test('an event appended in a transaction that rolls back leaves nothing', async (t) => {
  const { tdb, sealer } = await fresh(t);
  await t.rejects(
    tdb.db.tx(async (q) => {
      await q.query('CREATE TABLE IF NOT EXISTS state_change (v int)');
      await q.query('INSERT INTO state_change VALUES (1)');
      await appendAuditEvent(q, { type: 'message.accepted', actor: 'hub', organs: ['X'] });
      throw new Error('forced after the state change');
    }),
    /forced/,
  );
  const n = await tdb.db.query<{ e: string; p: string; o: string }>(
    'SELECT (SELECT count(*) FROM audit_events) AS e, (SELECT count(*) FROM audit_pending) AS p, (SELECT count(*) FROM audit_event_organs) AS o',
  );
  t.same(n.rows[0], { e: '0', p: '0', o: '0' });
  const s = await tdb.db.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'state_change'");
  t.equal(s.rowCount, 0, 'the state change rolled back with it');
  const r = await sealer.sealOnce();
  t.same(r, { sealed: 0, head: { seq: '0', hash: '0'.repeat(64) } });
  await t.rejects(appendAuditEvent(tdb.db, { type: 'nope' as 'message.accepted', actor: 'hub', organs: [] }), {
    code: 'audit.unknown_event_type',
  });
});

t.test('log tables refuse UPDATE, DELETE and TRUNCATE', async (t) => {
  const { tdb, sealer } = await fresh(t);
  await seedChain(tdb.db, sealer, 12);
  for (const sql of [
    "UPDATE audit_events SET actor = 'x'",
    'DELETE FROM audit_events',
    'TRUNCATE audit_events CASCADE',
    "UPDATE audit_chain SET hash = 'x'",
    'DELETE FROM audit_chain',
    'TRUNCATE audit_chain',
    "UPDATE audit_checkpoints SET signature = 'x'",
    'DELETE FROM audit_checkpoints',
    'DELETE FROM audit_event_organs',
  ]) {
    await t.rejects(tdb.db.query(sql), /append-only/, sql);
  }
});

t.test('concurrent writers in several processes give a gap-free chain that verifies', async (t) => {
  const { tdb } = await fresh(t);
  const sealer = createAuditSealer({
    db: tdb.db,
    signer: pki.signer,
    checkpointIntervalMs: 3_600_000,
    checkpointEveryEntries: 150,
    batchSize: 64,
    pollMs: 50,
  });
  sealer.start();
  const run = (tag: string) =>
    new Promise<number>((resolve, reject) => {
      const p = spawn(process.execPath, ['--import', 'tsx', child, tdb.url, '300', tag], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      p.on('error', reject);
      p.on('exit', (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`child ${tag} exited ${code}`))));
    });
  const committed = await Promise.all(['P1', 'P2', 'P3', 'P4'].map(run));
  await sealer.stop();
  await sealer.sealOnce();
  const total = committed.reduce((a, b) => a + b, 0);
  t.ok(total > 1000, `committed ${total}`);

  const counts = await tdb.db.query<{ events: string; business: string; chain: string; maxseq: string; pending: string; cps: string }>(
    `SELECT (SELECT count(*) FROM audit_events) AS events,
            (SELECT count(*) FROM audit_events WHERE type = 'delivery.pushed') AS business,
            (SELECT count(*) FROM audit_chain) AS chain, (SELECT max(seq) FROM audit_chain) AS maxseq,
            (SELECT count(*) FROM audit_pending) AS pending, (SELECT count(*) FROM audit_checkpoints) AS cps`,
  );
  const c = counts.rows[0]!;
  t.equal(c.business, String(total), 'exactly the committed events are in the log');
  t.equal(c.chain, c.events, 'every event is chained');
  t.equal(c.maxseq, c.chain, 'seq is 1..N without gaps');
  t.equal(c.pending, '0');
  t.ok(Number(c.cps) >= 5, 'checkpoints were signed along the way');
  const cpEvents = await tdb.db.query<{ n: string }>("SELECT count(*) AS n FROM audit_events WHERE type = 'audit.checkpoint'");
  t.equal(cpEvents.rows[0]!.n, c.cps, 'each checkpoint is itself an event in the log');
  const rolledBack = await tdb.db.query("SELECT 1 FROM audit_events WHERE (data->>'i')::int % 7 = 6");
  t.equal(rolledBack.rowCount, 0, 'no event of a failed transaction');

  const report = await verifyDb(tdb);
  t.equal(report.ok, true, JSON.stringify(report.firstFailure));
  t.equal(report.entries, Number(c.chain));
  t.equal(report.checkpoints, Number(c.cps));
});

t.test('waitSealed gives the position of an event once the sealer ran', async (t) => {
  const { tdb, sealer } = await fresh(t);
  await seedChain(tdb.db, sealer, 3);
  const { id } = await tdb.db.tx((q) => appendAuditEvent(q, { type: 'message.accepted', actor: 'A', organs: ['A'], messageId: 'mm' }));
  const waiting = waitSealed(tdb.db, { messageId: 'mm', type: 'message.accepted' }, { timeoutMs: 5000 });
  await sealer.sealOnce();
  const pos = await waiting;
  t.equal(pos.eventId, id);
  t.equal(pos.seq, '4');
  await t.rejects(waitSealed(tdb.db, { eventId: '999999' }, { timeoutMs: 50 }), { code: 'audit.seal_timeout' });
});

t.test('checkpoints: by entry count, none without news, signature over {seq,hash,at}', async (t) => {
  const { tdb, sealer } = await fresh(t, { every: 10 });
  await seedChain(tdb.db, sealer, 25);
  let cps = await readCheckpoints(tdb.db);
  t.same(cps.map((c) => c.seq), ['10', '20'], 'one checkpoint every 10 entries');
  t.equal(await sealer.checkpointNow(), true, 'entries 21-25 were not signed yet');
  cps = await readCheckpoints(tdb.db);
  const before = cps.length;
  // Only checkpoint events are new now: no further checkpoint.
  t.equal(await sealer.checkpointNow(), false);
  await sealer.sealOnce();
  t.equal((await readCheckpoints(tdb.db)).length, before);
  const last = cps[cps.length - 1]!;
  const ev = await tdb.db.query<{ data: { seq: string; hash: string } }>(
    "SELECT data FROM audit_events WHERE type = 'audit.checkpoint' AND data->>'seq' = $1",
    [last.seq],
  );
  t.equal(ev.rows[0]!.data.hash, last.hash);
  t.ok(checkpointPayload(last).toString().startsWith('{"at":'));
  t.equal((await verifyDb(tdb)).ok, true);
});

const tamperCases: { name: string; seq: string; sql: string }[] = [
  { name: 'UPDATE of an event row', seq: '5', sql: "UPDATE audit_events SET data = data || '{\"size\":1}' WHERE id = (SELECT event_id FROM audit_chain WHERE seq = 5)" },
  { name: 'UPDATE of an event organs', seq: '8', sql: "UPDATE audit_events SET organs = '{X}' WHERE id = (SELECT event_id FROM audit_chain WHERE seq = 8)" },
  { name: 'DELETE of an event row', seq: '6', sql: 'DELETE FROM audit_events WHERE id = (SELECT event_id FROM audit_chain WHERE seq = 6)' },
  { name: 'DELETE of a chain row', seq: '7', sql: 'DELETE FROM audit_chain WHERE seq = 7' },
  { name: 'DELETE of the chain row ending a window', seq: '8', sql: 'DELETE FROM audit_chain WHERE seq = 8' },
  { name: 'DELETE of the chain row starting a window', seq: '9', sql: 'DELETE FROM audit_chain WHERE seq = 9' },
  { name: 'UPDATE of the prev_hash starting a window', seq: '13', sql: "UPDATE audit_chain SET prev_hash = repeat('b', 64) WHERE seq = 13" },
  { name: 'UPDATE of a chain hash', seq: '3', sql: "UPDATE audit_chain SET hash = repeat('a', 64) WHERE seq = 3" },
  { name: 'DELETE of the newest chain rows', seq: '10', sql: 'DELETE FROM audit_chain WHERE seq >= 10' },
  { name: 'DELETE of the unsigned tail', seq: '16', sql: 'DELETE FROM audit_chain WHERE seq >= 16' },
  { name: 'DELETE of a checkpoint', seq: '18', sql: 'DELETE FROM audit_checkpoints WHERE seq = 10' },
  { name: 'UPDATE of a checkpoint signature', seq: '10', sql: "UPDATE audit_checkpoints SET signature = 'AAAA' WHERE seq = 10" },
];
for (const c of tamperCases) {
  t.test(`verify names the seq after an ${c.name}`, async (t) => {
    const { tdb, sealer } = await fresh(t, { every: 10 });
    await seedChain(tdb.db, sealer, 17);
    for (const mode of ['sequential', 'parallel'] as const) t.equal((await verifyDb(tdb, mode)).ok, true, `clean before (${mode})`);
    await tamper(tdb, c.sql);
    const entries: number[] = [];
    for (const mode of ['sequential', 'parallel'] as const) {
      const report = await verifyDb(tdb, mode);
      t.equal(report.ok, false, mode);
      t.equal(report.firstFailure?.seq, c.seq, `${mode}: ${report.firstFailure?.reason ?? 'no failure'}`);
      entries.push(report.entries);
    }
    t.equal(entries[1], entries[0], 'both count the entries verified before the failure');
  });
}

t.test('a bad CA certificate is audit.bad_ca in both modes', async (t) => {
  const { tdb, sealer } = await fresh(t, { every: 10 });
  await seedChain(tdb.db, sealer, 9);
  for (const parallel of [false, true]) {
    await t.rejects(
      verifyAuditDatabase(tdb.db, { caCertPem: 'not a certificate', ...(parallel ? { databaseUrl: tdb.url, threads: 2, windowSize: 4 } : { threads: 1 }) }),
      { code: 'audit.bad_ca' },
    );
  }
});

t.test('the parallel check gives the same report as the sequential one', async (t) => {
  const { tdb, sealer } = await fresh(t, { every: 10 });
  await seedChain(tdb.db, sealer, 37);
  const one = await verifyDb(tdb, 'sequential');
  const many = await verifyDb(tdb, 'parallel');
  t.equal(one.ok, true);
  t.ok(Number(one.lastSeq) > 37);
  const { firstPrevHash: _f, ...sequentialReport } = one;
  t.same(many, sequentialReport);
});

t.test('forged checkpoints fail', async (t) => {
  const { tdb, sealer } = await fresh(t, { every: 1000 });
  await seedChain(tdb.db, sealer, 12);
  const head = await tdb.db.query<{ seq: string; hash: string }>('SELECT seq, hash FROM audit_chain WHERE seq = 9');
  const { seq, hash } = head.rows[0]!;
  const at = new Date().toISOString();
  const rogueSig = pki.rogueSigner.sign(checkpointPayload({ seq, hash, at })).toString('base64');
  await tamper(tdb, 'INSERT INTO audit_checkpoints VALUES ($1, $2, $3, $4, $5, $6)', [seq, hash, at, 'ecdsa-sha256', rogueSig, pki.rogueSigner.certificatePem]);
  let report = await verifyDb(tdb);
  t.equal(report.ok, false);
  t.same(report.firstFailure, { seq: '9', reason: 'checkpoint certificate is not issued by the CA' });

  // Right certificate, but the signature is for another hash.
  const { tdb: tdb2, sealer: sealer2 } = await fresh(t, { every: 1000 });
  await seedChain(tdb2.db, sealer2, 12);
  const h2 = (await tdb2.db.query<{ hash: string }>('SELECT hash FROM audit_chain WHERE seq = 4')).rows[0]!.hash;
  const sig = pki.signer.sign(checkpointPayload({ seq: '4', hash: 'f'.repeat(64), at })).toString('base64');
  await tamper(tdb2, 'INSERT INTO audit_checkpoints VALUES ($1, $2, $3, $4, $5, $6)', ['4', h2, at, 'ecdsa-sha256', sig, pki.signer.certificatePem]);
  report = await verifyAuditChain(readChain(tdb2.db), await readCheckpoints(tdb2.db), { caCertPem: pki.caCertPem, fromGenesis: true });
  t.same(report.firstFailure, { seq: '4', reason: 'checkpoint signature does not verify' });
});

t.test('the same log works on the embedded PGlite database', async (t) => {
  const { openDb } = await import('../../src/store/open-db.js');
  const db = await openDb({ databaseUrl: null, dataDir: null });
  t.teardown(() => db.close());
  const sealer = createAuditSealer({ db, signer: pki.signer, checkpointIntervalMs: 3_600_000, checkpointEveryEntries: 5, pollMs: 20 });
  sealer.start();
  t.teardown(() => sealer.stop());
  let last = '';
  for (let i = 0; i < 12; i++) {
    const [, second] = await db.tx((q) =>
      appendAuditEvents(q, [
        { type: 'message.accepted', actor: 'A', organs: ['A', 'B'], messageId: `m${i}`, data: { i } },
        { type: 'delivery.queued', actor: 'hub', organs: ['A', 'B'], messageId: `m${i}`, deliveryId: `d${i}` },
      ]),
    );
    last = second!.id;
  }
  await t.rejects(
    db.tx(async (q) => {
      await appendAuditEvent(q, { type: 'message.accepted', actor: 'A', organs: ['A'] });
      throw new Error('forced');
    }),
    /forced/,
  );
  sealer.nudge();
  const pos = await waitSealed(db, { eventId: last }, { timeoutMs: 10_000 });
  t.ok(Number(pos.seq) >= 24);
  await sealer.stop();
  await sealer.sealOnce();
  const report = await verifyAuditDatabase(db, { caCertPem: pki.caCertPem });
  t.equal(report.ok, true, JSON.stringify(report.firstFailure));
  t.ok(report.checkpoints >= 4);
  const n = await db.query<{ n: string }>("SELECT count(*) AS n FROM audit_events WHERE type <> 'audit.checkpoint'");
  t.equal(n.rows[0]!.n, '24', 'the rolled-back event is not there');
});

t.test('sealing goes on when the signer fails; the checkpoint comes once it works again', async (t) => {
  const tdb = await createTestDatabase();
  t.teardown(tdb.drop);
  let broken = true;
  const flaky = {
    certificatePem: pki.signer.certificatePem,
    algorithm: pki.signer.algorithm,
    sign: (d: Buffer) => {
      if (broken) throw new Error('HSM unavailable');
      return pki.signer.sign(d);
    },
  };
  const sealer = createAuditSealer({ db: tdb.db, signer: flaky, checkpointIntervalMs: 3_600_000, checkpointEveryEntries: 5 });
  await seedChain(tdb.db, sealer, 12);
  t.equal((await tdb.db.query('SELECT 1 FROM audit_chain')).rowCount, 12, 'all chained');
  t.equal((await readCheckpoints(tdb.db)).length, 0);
  broken = false;
  t.equal(await sealer.checkpointNow(), true);
  t.same((await readCheckpoints(tdb.db)).map((c) => c.seq), ['12']);
  t.equal((await verifyDb(tdb)).ok, true);
});
