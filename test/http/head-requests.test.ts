/**
 * Fastify answered HEAD for every GET route by running the GET handler: HEAD
 * /v1/messages/:id by a recipient marked the delivery fetched and wrote a
 * `delivery.fetched` entry in the exchange log, although no byte was sent.
 * HEAD must be safe: the hub now answers it 405.
 */
import t from 'tap';
import { buildEdoc } from '../../src/edxml/build-edxml.js';
import { startTestHub } from '../helpers/test-hub.js';

const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';

t.test('HEAD on a download changes nothing', async (t) => {
  const hub = await startTestHub();
  t.teardown(() => hub.close());
  await hub.setAgency(G22, { signaturePolicy: 'lenient' });
  const doc = buildEdoc({ from: { organId: G22 }, to: [{ organId: H41 }], documentId: `${G22},2026/12/01,1/HEAD`, subject: 'x' });
  const id = (await hub.request(G22, 'POST', '/v1/messages', doc)).json<{ id: string }>().id;
  const head = await hub.request(H41, 'HEAD', `/v1/messages/${id}`);
  t.equal(head.status, 405);
  t.equal(head.headers.allow, 'GET');
  t.equal(head.body.length, 0, `HEAD answered ${head.status} without a body`);
  const entry = (await hub.request(H41, 'GET', '/v1/inbox')).json<{ entries: { state: string }[] }>().entries[0]!;
  t.equal(entry.state, 'available', 'the delivery is still available (not fetched)');
  const fetched = await hub.tdb.db.query("SELECT 1 FROM audit_events WHERE type = 'delivery.fetched'");
  t.equal(fetched.rowCount, 0, 'no delivery.fetched entry in the exchange log');
  const page = await hub.request(H41, 'HEAD', '/v1/inbox?include=bytes');
  t.equal(page.body.length, 0);
  t.equal((await hub.tdb.db.query("SELECT 1 FROM audit_events WHERE type IN ('delivery.fetched', 'deliveries.fetched')")).rowCount, 0, 'HEAD of an inbox page with bytes records no fetch either');
});
