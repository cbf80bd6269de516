/**
 * Looking up a message's or a document's entries on a long log: its own
 * entries come from their indexes and the entries that list it (a page
 * fetched, a batch acknowledged) from the message index — no query may scan
 * the log or the message index from the start.
 */
import t from 'tap';
import { createTestDatabase } from '../helpers/test-db.js';
import { appendAuditEvents, type AuditEventInput } from '../../src/audit/append-event.js';
import { queryAuditEvents } from '../../src/audit/query-events.js';
import { planNodes, recording, type Statement } from '../helpers/query-plans.js';

const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';
const docId = (i: number): string => `${G22},2026/11/30,${i}/PLAN`;

function accepted(i: number): AuditEventInput {
  return { type: 'message.accepted', actor: G22, organs: [G22, H41], messageId: `m-${i}`, documentId: docId(i), data: { size: 10_000 } };
}

/** A page fetch listing messages from..from+n-1. */
function pageFetched(from: number, n: number): AuditEventInput {
  const ids = Array.from({ length: n }, (_, k) => from + k);
  return {
    type: 'deliveries.fetched',
    actor: H41,
    organs: [G22, H41],
    data: { recipient: H41, deliveries: ids.map((i) => ({ deliveryId: `d-${i}`, messageId: `m-${i}`, documentId: docId(i) })) },
    listsMessages: ids.map((i) => `m-${i}`),
  };
}

t.test("a message's entries, its own and those that list it, come by index on a long log", async (t) => {
  const tdb = await createTestDatabase();
  t.teardown(tdb.drop);
  for (let i = 0; i < 40_000; i += 10_000) {
    const batch: AuditEventInput[] = [];
    for (let k = i; k < i + 10_000; k += 200) batch.push(...Array.from({ length: 200 }, (_, j) => accepted(k + j)), pageFetched(k, 200));
    await tdb.db.tx((q) => appendAuditEvents(q, batch));
  }
  await tdb.db.query('ANALYZE');

  const seen: Statement[] = [];
  const q = recording(tdb.db, seen);
  const byMessage = await queryAuditEvents(q, { kind: 'agency', organId: G22 }, { messageId: 'm-12345' });
  t.same(byMessage.events.map((e) => e.type), ['message.accepted', 'deliveries.fetched'], 'its acceptance and the page fetch that lists it');
  const byAuditor = await queryAuditEvents(q, { kind: 'auditor', name: 'a' }, { messageId: 'm-12345' });
  t.equal(byAuditor.events.length, 2);
  const byMessageElsewhere = await queryAuditEvents(q, { kind: 'agency', organId: '000.00.00.H14' }, { organId: '000.00.00.H14', messageId: 'm-12345' });
  t.same(byMessageElsewhere.events, [], 'another agency sees neither');
  // The document path goes through `messages` (empty here: no hub rows), so only its plan is checked.
  await queryAuditEvents(q, { kind: 'auditor', name: 'a' }, { documentId: docId(12345) });

  // (The agency index has a row per append statement: a handful here, where a sequential scan of it is right.)
  const reads = seen.filter((s) => /^\s*SELECT/i.test(s.sql) && /audit_event_messages/.test(s.sql));
  t.equal(reads.length, 4, 'the four lookups were recorded');
  for (const s of reads) {
    const scans = (await planNodes(tdb.db, s)).filter(
      (n) => n['Node Type'] === 'Seq Scan' && ['audit_events', 'audit_event_messages'].includes(n['Relation Name'] ?? ''),
    );
    t.same(scans.map((n) => n['Relation Name']), [], `no sequential scan of the log: ${s.sql.replace(/\s+/g, ' ').slice(0, 120)}…`);
  }
});
