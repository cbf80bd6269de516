/**
 * The ids of a batch acknowledgement (POST /v1/deliveries/ack) as a client may
 * write them: a UUID in upper case (every other route takes it) is the same
 * delivery, and its outcome says what happened to it — the database answers
 * ids in lower case, the outcomes were once looked up by the id as sent
 * ("not_found" for a delivery just acknowledged). A delivery named twice is
 * acknowledged by its first item; a later item with another result did not
 * apply and is a "conflict" (it was once reported as applied too).
 */
import t from 'tap';
import type { TestHub } from '../helpers/test-hub.js';
import { hubWithDeliveries, RECIPIENT, SENDER } from '../helpers/hub-with-deliveries.js';

const G22 = SENDER;
const H41 = RECIPIENT;

let hub: TestHub;
let ids: string[] = [];
t.before(async () => {
  ({ hub, ids } = await hubWithDeliveries('ACKIDS'));
});
t.teardown(() => hub.close());

async function stateOf(id: string): Promise<{ state: string; ack_result: string | null; ack_reason: string | null }> {
  return (await hub.tdb.db.query<{ state: string; ack_result: string | null; ack_reason: string | null }>('SELECT state, ack_result, ack_reason FROM deliveries WHERE id = $1', [id])).rows[0]!;
}

async function batch(deliveries: object[]): Promise<{ id: string; outcome: string }[]> {
  const r = await hub.request(H41, 'POST', '/v1/deliveries/ack', { deliveries });
  if (r.status !== 200) throw new Error(`batch answered ${r.status}: ${r.body.toString()}`);
  return r.json<{ results: { id: string; outcome: string }[] }>().results;
}

t.test('an upper-case delivery id: acknowledged, and the answer says so (under the id as sent)', async (t) => {
  const id = ids[0]!;
  t.same(await batch([{ id: id.toUpperCase(), result: 'done' }]), [{ id: id.toUpperCase(), outcome: 'acknowledged' }]);
  t.equal((await stateOf(id)).state, 'acknowledged');
  t.same(await batch([{ id: id.toUpperCase(), result: 'done' }]), [{ id: id.toUpperCase(), outcome: 'already' }], 'repeating it is "already"');
  t.same(await batch([{ id: id.toUpperCase(), result: 'fail', reason: 'x' }]), [{ id: id.toUpperCase(), outcome: 'conflict' }], 'another result is a conflict');
});

t.test('one delivery twice with different results: the first applies, the later one is a conflict', async (t) => {
  const done = ids[1]!;
  t.same(
    (await batch([{ id: done, result: 'done' }, { id: done.toUpperCase(), result: 'fail', reason: 'hỏng' }])).map((x) => x.outcome),
    ['acknowledged', 'conflict'],
  );
  t.match(await stateOf(done), { state: 'acknowledged', ack_result: 'done' });
  const failed = ids[2]!;
  t.same((await batch([{ id: failed, result: 'fail', reason: 'hỏng' }, { id: failed, result: 'done' }])).map((x) => x.outcome), ['failed', 'conflict']);
  t.match(await stateOf(failed), { state: 'failed', ack_result: 'fail', ack_reason: 'hỏng' });
  // Both already settled: each item against what was stored.
  t.same((await batch([{ id: failed, result: 'done' }, { id: failed, result: 'fail' }])).map((x) => x.outcome), ['conflict', 'already']);
});

t.test('one delivery twice with the same result: both told what applied, once', async (t) => {
  const id = ids[3]!;
  t.same(
    (await batch([{ id, result: 'fail', reason: 'thiếu trang' }, { id: id.toUpperCase(), result: 'fail', reason: 'khác' }])).map((x) => x.outcome),
    ['failed', 'failed'],
  );
  t.match(await stateOf(id), { state: 'failed', ack_reason: 'thiếu trang' }, "the first item's reason");
  const logged = await hub.tdb.db.query<{ n: number }>(
    "SELECT jsonb_array_length(data->'deliveries') AS n FROM audit_events WHERE type = 'deliveries.failed' AND data->'deliveries' @> $1::jsonb",
    [JSON.stringify([{ deliveryId: id }])],
  );
  t.same(logged.rows.map((r) => r.n), [1], 'logged once');
  const notices = await hub.tdb.db.query("SELECT 1 FROM messages WHERE generated_by_hub AND summary->>'noticeForDelivery' = $1", [id]);
  t.equal(notices.rows.length, 1, 'one notice to the sender');
});

t.test('an id that is not a UUID, and one of another recipient, are not found', async (t) => {
  t.same((await batch([{ id: 'not-a-uuid', result: 'done' }, { id: ids[4]!.toUpperCase(), result: 'done' }])).map((x) => x.outcome), ['not_found', 'acknowledged']);
  const other = await hub.request(G22, 'POST', '/v1/deliveries/ack', { deliveries: [{ id: ids[5]!.toUpperCase(), result: 'done' }] });
  t.same(other.json<{ results: { outcome: string }[] }>().results.map((x) => x.outcome), ['not_found']);
  t.equal((await stateOf(ids[5]!)).state, 'available');
});
