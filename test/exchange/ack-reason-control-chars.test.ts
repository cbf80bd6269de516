/**
 * The reason of a "fail" acknowledgement is text for the sender: a C0 control
 * character in it (U+0000, which PostgreSQL refuses, was a 500; the others
 * broke the sender's notice) is a bad request (400, the hub's usual error),
 * on the single and the batch acknowledgement and on the axis' updateStatus,
 * and nothing changes. Tab, LF and CR are text.
 */
import t from 'tap';
import { buildEdoc } from '../../src/edxml/build-edxml.js';
import { startTestHub, type TestHub } from '../helpers/test-hub.js';

const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';
const doc = (i: number): Buffer =>
  buildEdoc({ from: { organId: G22 }, to: [{ organId: H41 }], documentId: `${G22},2026/12/01,${i}/ACKREASON`, subject: `Văn bản ${i}` });

let hub: TestHub;
let ids: string[] = [];
let messageIds: string[] = [];
t.before(async () => {
  hub = await startTestHub();
  await hub.setAgency(G22, { signaturePolicy: 'lenient' });
  for (let i = 0; i < 6; i++) if ((await hub.request(G22, 'POST', '/v1/messages', doc(i))).status !== 202) throw new Error('not accepted');
  const entries = (await hub.request(H41, 'GET', '/v1/inbox')).json<{ entries: { deliveryId: string; message: { id: string } }[] }>().entries;
  ids = entries.map((e) => e.deliveryId);
  messageIds = entries.map((e) => e.message.id);
});
t.teardown(() => hub.close());

const stateOf = async (id: string): Promise<string> =>
  (await hub.tdb.db.query<{ state: string }>('SELECT state FROM deliveries WHERE id = $1', [id])).rows[0]!.state;

t.test('single acknowledgement: U+0000 and U+0001 in the reason are refused with 400', async (t) => {
  for (const reason of ['tệp\u0000hỏng', 'tệp hỏng\u0001', '\u001f']) {
    const r = await hub.request(H41, 'POST', `/v1/deliveries/${ids[0]!}/ack`, { result: 'fail', reason });
    t.equal(r.status, 400, JSON.stringify(reason));
    t.match(r.json(), { error: { code: String, message: /reason/ } }, "the hub's usual error");
  }
  t.equal(await stateOf(ids[0]!), 'available', 'nothing changed');
  t.equal((await hub.tdb.db.query('SELECT 1 FROM notices_due')).rows.length, 0, 'no notice due');
});

t.test('batch acknowledgement: one such reason makes the batch a bad request, nothing applied', async (t) => {
  const r = await hub.request(H41, 'POST', '/v1/deliveries/ack', { deliveries: [{ id: ids[1]!, result: 'done' }, { id: ids[2]!, result: 'fail', reason: 'x\u0000' }] });
  t.equal(r.status, 400, r.body.toString());
  t.match(r.json(), { error: { code: String } });
  t.equal(await stateOf(ids[1]!), 'available');
  t.equal(await stateOf(ids[2]!), 'available');
});

t.test('axis updateStatus: such a reason is refused (400), nothing changes', async (t) => {
  const r = await hub.request(H41, 'POST', '/axis/updateStatus', { docid: messageIds[3]!, status: 'fail', reason: 'thiếu\u0000trang' });
  t.equal(r.status, 400, r.body.toString());
  t.match(r.json(), { status: 'FAIL' });
  t.equal(await stateOf(ids[3]!), 'available');
});

t.test('tab, line breaks and any other character are text', async (t) => {
  const reason = 'dòng 1\r\ndòng 2\tcột\u007f\u00a0🙂';
  const r = await hub.request(H41, 'POST', `/v1/deliveries/${ids[4]!}/ack`, { result: 'fail', reason });
  t.equal(r.status, 200, r.body.toString());
  const b = await hub.request(H41, 'POST', '/v1/deliveries/ack', { deliveries: [{ id: ids[5]!, result: 'fail', reason }] });
  t.same(b.json<{ results: { outcome: string }[] }>().results.map((x) => x.outcome), ['failed']);
  const stored = await hub.tdb.db.query<{ ack_reason: string }>('SELECT ack_reason FROM deliveries WHERE id = ANY($1::uuid[])', [[ids[4]!, ids[5]!]]);
  t.same(stored.rows.map((x) => x.ack_reason), [reason, reason]);
});
