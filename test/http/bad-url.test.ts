/**
 * A path with a malformed percent escape is refused by Fastify's router
 * (FST_ERR_BAD_URL); it used to answer with Fastify's own body
 * `{"error":"Bad Request","code":"FST_ERR_BAD_URL",...}`, not the hub's
 * `{"error":{"code","message"}}`.
 */
import t from 'tap';
import { startTestHub } from '../helpers/test-hub.js';

t.test('a malformed URL gets the hub error body', async (t) => {
  const hub = await startTestHub();
  t.teardown(() => hub.close());
  for (const path of ['/v1/messages/%ZZ', '/v1/deliveries/%E0%A4%A/ack', '/v1/messages/%ZZ/tracking']) {
    const r = await hub.request('000.00.00.G22', path.endsWith('/ack') ? 'POST' : 'GET', path, path.endsWith('/ack') ? { result: 'done' } : undefined);
    t.equal(r.status, 400, path);
    const body = r.json<{ error: unknown }>();
    t.match(body, { error: { code: String, message: String } }, `${path}: ${r.body.toString()}`);
  }
});
