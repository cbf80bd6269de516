import t from 'tap';
import { randomUUID } from 'node:crypto';
import { buildEdoc } from '../../src/edxml/build-edxml.js';
import { startTestHub } from '../helpers/test-hub.js';

const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';
const doc = (i: number): Buffer =>
  buildEdoc({ from: { organId: G22 }, to: [{ organId: H41 }], documentId: `${G22},2026/11/23,${i}/BATCH`, subject: `Văn bản ${i}` });

t.test('acknowledging many deliveries at once', async (t) => {
  const hub = await startTestHub();
  t.teardown(() => hub.close());
  await hub.setAgency(G22, { signaturePolicy: 'lenient' });
  for (let i = 0; i < 5; i++) t.equal((await hub.request(G22, 'POST', '/v1/messages', doc(i))).status, 202);
  const inbox = (await hub.request(H41, 'GET', '/v1/inbox')).json<{ entries: { deliveryId: string }[] }>();
  t.equal(inbox.entries.length, 5);
  const ids = inbox.entries.map((e) => e.deliveryId);
  const stranger = randomUUID();
  const body = {
    deliveries: [
      ...ids.slice(0, 4).map((id) => ({ id, result: 'done' })),
      { id: ids[4], result: 'fail', reason: 'không đọc được tệp' },
      { id: stranger, result: 'done' },
    ],
  };
  const r = await hub.request(H41, 'POST', '/v1/deliveries/ack', body);
  t.equal(r.status, 200, r.body.toString());
  t.same(
    r.json<{ results: { outcome: string }[] }>().results.map((x) => x.outcome),
    ['acknowledged', 'acknowledged', 'acknowledged', 'acknowledged', 'failed', 'not_found'],
  );
  const again = await hub.request(H41, 'POST', '/v1/deliveries/ack', { deliveries: [{ id: ids[0], result: 'done' }, { id: ids[4], result: 'done' }] });
  t.same(again.json<{ results: { outcome: string }[] }>().results.map((x) => x.outcome), ['already', 'conflict']);
  const notMine = await hub.request(G22, 'POST', '/v1/deliveries/ack', { deliveries: [{ id: ids[1], result: 'done' }] });
  t.same(notMine.json<{ results: { outcome: string }[] }>().results.map((x) => x.outcome), ['not_found'], "only the recipient's own deliveries");
  t.equal((await hub.request(H41, 'GET', '/v1/inbox')).json<{ entries: unknown[] }>().entries.length, 0);
  const logged = await hub.tdb.db.query<{ type: string }>("SELECT type FROM audit_events WHERE type IN ('delivery.acknowledged', 'delivery.failed') ORDER BY id");
  t.same(logged.rows.map((e) => e.type), ['delivery.acknowledged', 'delivery.acknowledged', 'delivery.acknowledged', 'delivery.acknowledged', 'delivery.failed']);
  const notices = (await hub.request(G22, 'GET', '/v1/inbox')).json<{ entries: { message: { from: string } }[] }>().entries;
  t.equal(notices.filter((e) => e.message.from === 'edoc-hub').length, 1, 'the sender is told about the failed one');
  t.equal((await hub.request(H41, 'POST', '/v1/deliveries/ack', { deliveries: [] })).status, 400, 'an empty batch is a bad request');
});
