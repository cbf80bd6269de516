/**
 * An agency switched from push to pull (its endpoint is gone for good) finds
 * the copies still being pushed to it in its inbox: they move there instead of
 * running out of attempts for want of an endpoint, with a new seq so that a
 * poller that kept its cursor sees them, and the exchange log says so.
 */
import t from 'tap';
import { buildEdoc } from '../../src/edxml/build-edxml.js';
import { startTestHub } from '../helpers/test-hub.js';
import { startPushEndpoint } from '../helpers/push-endpoint.js';
import { until } from '../helpers/until.js';

const G22 = '000.00.00.G22';
const H14 = '000.00.00.H14';
const H41 = '000.00.00.H41';

t.test('a push delivery moves to the inbox when its recipient now polls', async (t) => {
  const endpoint = await startPushEndpoint(() => 503);
  t.teardown(() => endpoint.close());
  // Attempts enough to outlast the test: without the move, the copy would keep failing, then be undeliverable.
  const hub = await startTestHub({ EDOC_PUSH_ATTEMPTS: '1000', EDOC_PUSH_BACKOFF_MS: '200' });
  t.teardown(() => hub.close());
  await hub.setAgency(G22, { signaturePolicy: 'lenient' });
  await hub.setAgency(H14, { delivery: { mode: 'push', endpoint: endpoint.url } });
  const doc = (n: number, to: string[]): Buffer =>
    buildEdoc({ from: { organId: G22 }, to: to.map((organId) => ({ organId })), documentId: `${G22},2026/12/01,${n}/REROUTE`, subject: `văn bản ${n}` });
  const sent = await hub.request(G22, 'POST', '/v1/messages', doc(1, [H14]));
  t.equal(sent.status, 202);
  const id = sent.json<{ id: string }>().id;
  await until('a failed push', async () => endpoint.requests > 0);
  // A copy to a pull recipient committed after: its seq is higher than the push copy's first one.
  t.equal((await hub.request(G22, 'POST', '/v1/messages', doc(2, [H41]))).status, 202);
  const later = (await hub.tdb.db.query<{ seq: string }>('SELECT seq::text AS seq FROM deliveries WHERE recipient = $1', [H41])).rows[0]!.seq;

  await hub.setAgency(H14, { delivery: { mode: 'pull' } });
  const inbox = await until('the copy in the inbox', async () => {
    const page = (await hub.request(H14, 'GET', `/v1/inbox?after=${later}`)).json<{ entries: { deliveryId: string; message: { id: string } }[] }>();
    return page.entries.length > 0 ? page : null;
  });
  t.same(inbox.entries.map((e) => e.message.id), [id], 'listed after a cursor taken once the later copy was committed');
  const pushes = endpoint.requests;

  const tracking = (await hub.request(G22, 'GET', `/v1/messages/${id}/tracking`)).json<{ recipients: { delivery: { state: string; mode: string } }[] }>();
  t.match(tracking.recipients[0]!.delivery, { state: 'available', mode: 'pull' });
  const logged = await hub.tdb.db.query<{ data: { from: string; to: string } }>("SELECT data FROM audit_events WHERE type = 'delivery.rerouted'");
  t.match(logged.rows, [{ data: { from: 'push', to: 'pull' } }], 'one log entry');

  const ack = await hub.request(H14, 'POST', `/v1/deliveries/${inbox.entries[0]!.deliveryId}/ack`, { result: 'done' });
  t.equal(ack.status, 200, 'the recipient acknowledges it as any pulled copy');
  await new Promise((r) => setTimeout(r, 1000));
  t.equal(endpoint.requests, pushes, 'and it is not pushed again');
  t.equal((await hub.tdb.db.query("SELECT 1 FROM messages WHERE generated_by_hub")).rows.length, 0, 'the sender is not told of a failure');
});
