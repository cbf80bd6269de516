/**
 * The sealer runs every 100 ms while the hub is busy: its statements must cost
 * what the batch costs, not what the whole log costs. Each statement it ran on
 * a log of 40,000 events is EXPLAINed: none may scan the event table or the
 * chain from the start.
 */
import t from 'tap';
import { createTestDatabase } from '../helpers/test-db.js';
import { appendAuditEvents, type AuditEventInput } from '../../src/audit/append-event.js';
import { createAuditSealer } from '../../src/audit/sealer.js';
import { planNodes, recordingDb, type Statement } from '../helpers/query-plans.js';
import { makeTestPki } from './fixtures/test-pki.js';

const pki = makeTestPki();

function events(n: number, from: number): AuditEventInput[] {
  return Array.from({ length: n }, (_, i) => ({
    type: 'delivery.queued' as const,
    actor: 'hub',
    organs: ['000.00.00.G22', '000.00.00.H41'],
    messageId: `m-${from + i}`,
    data: { recipient: '000.00.00.H41', mode: 'pull', state: 'available' },
  }));
}

t.test('sealing a batch on a long log reads the batch by index, not the log', async (t) => {
  const tdb = await createTestDatabase();
  t.teardown(tdb.drop);
  const opts = { signer: pki.signer, checkpointIntervalMs: 3_600_000, checkpointEveryEntries: 2_000 };
  for (let i = 0; i < 40_000; i += 10_000) await tdb.db.tx((q) => appendAuditEvents(q, events(10_000, i)));
  await createAuditSealer({ db: tdb.db, ...opts }).sealOnce();
  // A batch pending on top of the long chain; a checkpoint falls due within it.
  await tdb.db.tx((q) => appendAuditEvents(q, events(3_000, 40_000)));
  await tdb.db.query('ANALYZE');

  const seen: Statement[] = [];
  const { sealed } = await createAuditSealer({ db: recordingDb(tdb.db, seen), ...opts }).sealOnce();
  t.ok(sealed >= 3_000, `the pending batch is sealed (${sealed})`);
  const reads = seen.filter((s) => /\baudit_(events|chain)\b/.test(s.sql) && /^\s*(--[^\n]*\n\s*)?SELECT/i.test(s.sql));
  t.ok(reads.length >= 2, `the sealer's reads of the log were recorded (${reads.length})`);
  t.ok(
    reads.some((s) => s.sql.includes("'audit.checkpoint'")),
    'the "anything new since the last checkpoint" query is among them',
  );
  for (const s of reads) {
    const scans = (await planNodes(tdb.db, s)).filter(
      (n) => n['Node Type'] === 'Seq Scan' && (n['Relation Name'] === 'audit_events' || n['Relation Name'] === 'audit_chain'),
    );
    t.same(scans.map((n) => n['Relation Name']), [], `no sequential scan of the log: ${s.sql.replace(/\s+/g, ' ').slice(0, 90)}…`);
  }
});
