/**
 * Database edits that `audit verify` (verifyAuditDatabase) must report as a
 * failure naming the seq, sequentially and in worker threads: values the
 * record cannot show (a number beyond double precision, a time below the
 * millisecond) would otherwise hash the same as the original, and a number
 * no double holds used to make the verifier throw.
 */
import t, { type Test } from 'tap';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';
import { appendAuditEvent } from '../../src/audit/append-event.js';
import { createAuditSealer } from '../../src/audit/sealer.js';
import { verifyAuditDatabase } from '../../src/audit/verify-database.js';
import { makeTestPki } from './fixtures/test-pki.js';

const pki = makeTestPki();

async function fresh(t: { teardown(fn: () => unknown): void }) {
  const tdb = await createTestDatabase();
  t.teardown(tdb.drop);
  const sealer = createAuditSealer({ db: tdb.db, signer: pki.signer, checkpointIntervalMs: 3_600_000, checkpointEveryEntries: 10 });
  for (let i = 0; i < 12; i++) {
    await appendAuditEvent(tdb.db, {
      type: 'message.accepted',
      actor: '000.00.00.G22',
      organs: ['000.00.00.G22', '000.00.00.H41'],
      messageId: `m-${i}`,
      // Numbers a writer stores (JSON.stringify's shortest form) all verify.
      data: { sha256: 'ab'.repeat(32), size: 48213 + i, ratio: 0.1 + 0.2, big: 1e21, tiny: 1.5e-7, neg: -123456.75, list: [1.25, 5e-324, 1.7976931348623157e308] },
    });
  }
  await sealer.sealOnce();
  await sealer.checkpointNow();
  return tdb;
}

async function tamper(tdb: TestDatabase, sql: string) {
  await tdb.db.tx(async (q) => {
    await q.query('SET LOCAL session_replication_role = replica');
    await q.query(sql);
  });
}

const modes = [
  ['sequential', (tdb: TestDatabase) => verifyAuditDatabase(tdb.db, { caCertPem: pki.caCertPem, threads: 1 })],
  ['parallel', (tdb: TestDatabase) => verifyAuditDatabase(tdb.db, { caCertPem: pki.caCertPem, databaseUrl: tdb.url, threads: 2, windowSize: 4 })],
] as const;

async function expectFailureAt(t: Test, tdb: TestDatabase, seq: string) {
  for (const [name, verify] of modes) {
    let report;
    try {
      report = await verify(tdb);
    } catch (e) {
      t.fail(`${name}: the verifier threw instead of reporting: ${String(e)}`);
      continue;
    }
    t.equal(report.ok, false, `${name}: ${JSON.stringify(report.firstFailure)}`);
    t.equal(report.firstFailure?.seq, seq, name);
  }
}

const event5 = '(SELECT event_id FROM audit_chain WHERE seq = 5)';

t.test('an event whose data was edited to a huge number is reported at its seq, not thrown', async (t) => {
  const tdb = await fresh(t);
  for (const [name, verify] of modes) t.equal((await verify(tdb)).ok, true, `${name}: clean before`);
  await tamper(tdb, `UPDATE audit_events SET data = jsonb_set(data, '{size}', '1e400'::jsonb) WHERE id = ${event5}`);
  await expectFailureAt(t, tdb, '5');
});

t.test('an edit of a numeric value beyond double precision is detected', async (t) => {
  const tdb = await fresh(t);
  // 48217 → 48217.0000000000000000001: a different value in the database (psql, any SQL reader shows it).
  await tamper(tdb, `UPDATE audit_events SET data = jsonb_set(data, '{size}', '48217.0000000000000000001'::jsonb) WHERE id = ${event5}`);
  const shown = await tdb.db.query<{ s: string }>(`SELECT data->>'size' AS s FROM audit_events WHERE id = ${event5}`);
  t.equal(shown.rows[0]!.s, '48217.0000000000000000001', 'the stored value changed');
  await expectFailureAt(t, tdb, '5');
});

t.test('other numeric edits JSON.parse would hide are detected', async (t) => {
  for (const [path, value] of [
    ['{size}', '48217.0'],
    ['{list,0}', '1.250'],
    ['{tiny}', '1e-400'],
    ['{ratio}', '0.3000000000000000444'],
  ] as const) {
    const tdb = await fresh(t);
    await tamper(tdb, `UPDATE audit_events SET data = jsonb_set(data, '${path}', '${value}'::jsonb) WHERE id = ${event5}`);
    const r = await modes[0][1](tdb);
    t.equal(r.firstFailure?.seq, '5', `${path} = ${value}: ${JSON.stringify(r.firstFailure)}`);
  }
});

t.test('an edit of an event time below the millisecond is detected', async (t) => {
  const tdb = await fresh(t);
  await tamper(tdb, `UPDATE audit_events SET at = at + interval '900 microseconds' WHERE id = ${event5}`);
  await expectFailureAt(t, tdb, '5');
});
