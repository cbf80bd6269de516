/**
 * Decision 28's receipt clock starts when the document reaches the recipient:
 * for a pull recipient, when it is in its inbox, not when the recipient gets
 * round to fetching it (which would let a late poller move its own deadlines).
 */
import t from 'tap';
import { buildEdoc } from '../../src/edxml/build-edxml.js';
import { startTestHub } from '../helpers/test-hub.js';

const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';

interface Track {
  recipients: { recipient: string; delivery: { state: string }; deadlines: { receiptDueAt: string; receiptOverdue: boolean; handlingOverdue: boolean } | null }[];
}

t.test('a pull recipient that fetches ten days late is overdue from the day the document was in its inbox', async (t) => {
  const hub = await startTestHub();
  t.teardown(() => hub.close());
  await hub.setAgency(G22, { signaturePolicy: 'lenient' });
  const doc = buildEdoc({ from: { organId: G22 }, to: [{ organId: H41 }], documentId: `${G22},2026/11/20,5/DEADLINE`, subject: 'Văn bản', otherInfo: { priority: 0 } });
  const sent = await hub.request(G22, 'POST', '/v1/messages', doc);
  t.equal(sent.status, 202, sent.body.toString());
  const id = sent.json<{ id: string }>().id;
  await hub.tdb.db.query("UPDATE deliveries SET created_at = now() - interval '10 days' WHERE message_id = $1", [id]);
  t.equal((await hub.request(H41, 'GET', `/v1/messages/${id}`)).status, 200, 'fetched today');

  const tr = (await hub.request(G22, 'GET', `/v1/messages/${id}/tracking`)).json<Track>();
  const h41 = tr.recipients.find((r) => r.recipient === H41)!;
  t.equal(h41.delivery.state, 'fetched');
  const due = new Date(h41.deadlines!.receiptDueAt).getTime();
  t.ok(due < Date.now() - 5 * 86_400_000, `receipt was due ten days ago, by the day it arrived (${h41.deadlines!.receiptDueAt})`);
  t.equal(h41.deadlines!.receiptOverdue, true, 'and is overdue: no 03 was reported');
  t.equal(h41.deadlines!.handlingOverdue, true);
});
