import t from 'tap';
import { randomUUID } from 'node:crypto';
import { buildEdoc } from '../../src/edxml/build-edxml.js';
import { startTestHub } from '../helpers/test-hub.js';
import { waitSealed } from '../../src/audit/wait-sealed.js';

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
  const logged = await hub.tdb.db.query<{ type: string; organs: string[]; data: { result: string; deliveries: { deliveryId: string; reason?: string }[] } }>(
    "SELECT type, organs, data FROM audit_events WHERE type IN ('delivery.acknowledged', 'delivery.failed', 'deliveries.acknowledged', 'deliveries.failed') ORDER BY id",
  );
  t.same(logged.rows.map((e) => e.type), ['deliveries.acknowledged', 'deliveries.failed'], 'one entry per result for the batch (none for the repeat)');
  t.same(logged.rows[0]!.data.deliveries.map((d) => d.deliveryId), ids.slice(0, 4), 'the acknowledged ones, listed');
  t.match(logged.rows[1]!.data.deliveries, [{ deliveryId: ids[4], reason: 'không đọc được tệp' }], 'the failed one with its reason');
  t.equal(logged.rows[1]!.data.deliveries.length, 1);
  t.same(logged.rows[1]!.organs, [G22, H41]);
  // Looked up by the failed delivery's message, the sender finds the batch entry that lists it.
  const failedMessage = (await hub.tdb.db.query<{ message_id: string }>('SELECT message_id FROM deliveries WHERE id = $1', [ids[4]])).rows[0]!.message_id;
  const events = (await hub.request(G22, 'GET', `/v1/audit/events?messageId=${failedMessage}`)).json<{ events: { type: string }[] }>().events;
  t.same(events.map((e) => e.type), ['message.accepted', 'deliveries.failed'], "the message's own entry and the batch entry that lists it");
  const byDocument = (await hub.request(G22, 'GET', `/v1/audit/events?documentId=${encodeURIComponent(`${G22},2026/11/23,4/BATCH`)}`)).json<{ events: { type: string }[] }>();
  t.same(
    byDocument.events.map((e) => e.type),
    ['message.accepted', 'deliveries.failed', 'status.routed'],
    "and by its DocumentId (with the hub's failure notice to the sender, a status about that document)",
  );
  await waitSealed(hub.tdb.db, { messageId: failedMessage });
  await waitSealed(hub.tdb.db, { eventId: (await hub.tdb.db.query<{ id: string }>("SELECT max(id)::text AS id FROM audit_events WHERE type = 'deliveries.failed'")).rows[0]!.id });
  const exported = (await hub.request(G22, 'GET', `/v1/audit/export?format=ndjson&messageId=${failedMessage}`)).body.toString().trim().split('\n');
  const full = exported.map((l) => JSON.parse(l) as { kind: string; record?: { type: string } }).filter((l) => l.kind === 'entry');
  t.same(full.map((l) => l.record?.type), ['message.accepted', 'deliveries.failed'], 'the export by message id carries the batch entry in full');
  const notices = (await hub.request(G22, 'GET', '/v1/inbox')).json<{ entries: { message: { from: string } }[] }>().entries;
  t.equal(notices.filter((e) => e.message.from === 'edoc-hub').length, 1, 'the sender is told about the failed one');
  t.equal((await hub.request(H41, 'POST', '/v1/deliveries/ack', { deliveries: [] })).status, 400, 'an empty batch is a bad request');
});

t.test('a page fetched and acknowledged from two senders: one entry per sender, each seen only by its own sender', async (t) => {
  const hub = await startTestHub();
  t.teardown(() => hub.close());
  const H14 = '000.00.00.H14';
  await hub.setAgency(G22, { signaturePolicy: 'lenient' });
  await hub.setAgency(H14, { signaturePolicy: 'lenient' });
  const fromH14 = buildEdoc({ from: { organId: H14 }, to: [{ organId: H41 }], documentId: `${H14},2026/11/23,1/BATCH`, subject: 'Công văn' });
  for (const [sender, bytes] of [[G22, doc(1)], [H14, fromH14], [G22, doc(2)]] as const) {
    t.equal((await hub.request(sender, 'POST', '/v1/messages', bytes)).status, 202);
  }
  const page = (await hub.request(H41, 'GET', '/v1/inbox?include=bytes')).json<{ entries: { deliveryId: string; message: { from: string } }[] }>();
  t.equal(page.entries.length, 3);
  const acked = await hub.request(H41, 'POST', '/v1/deliveries/ack', { deliveries: page.entries.map((e) => ({ id: e.deliveryId, result: 'done' })) });
  t.equal(acked.status, 200);
  const rows = await hub.tdb.db.query<{ type: string; organs: string[]; n: number }>(
    "SELECT type, organs, jsonb_array_length(data->'deliveries') AS n FROM audit_events WHERE type LIKE 'deliveries.%' ORDER BY id",
  );
  t.same(
    rows.rows.map((r) => [r.type, r.organs, r.n]),
    [
      ['deliveries.fetched', [G22, H41], 2],
      ['deliveries.fetched', [H14, H41], 1],
      ['deliveries.acknowledged', [G22, H41], 2],
      ['deliveries.acknowledged', [H14, H41], 1],
    ],
  );
  for (const [viewer, listed] of [[G22, 2], [H14, 1], [H41, 3]] as const) {
    const seen = (await hub.request(viewer, 'GET', '/v1/audit/events?type=deliveries.fetched')).json<{ events: { data: { deliveries: unknown[] } }[] }>().events;
    t.equal(seen.flatMap((e) => e.data.deliveries).length, listed, `${viewer} sees the fetches of its own messages only`);
  }
});
