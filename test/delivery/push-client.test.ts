/**
 * The push client sends a stored body as its parts are read (a large body is
 * read from the database as the socket takes it): the endpoint gets the exact
 * bytes with their length, and a body that fails while it is read (purged
 * meanwhile) rejects the push at once instead of leaving the request open.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { createPushClient } from '../../src/delivery/push-client.js';
import { bufferParts, type PartedBytes } from '../../src/shared/bytes-body.js';
import { startPushEndpoint } from '../helpers/push-endpoint.js';
import { ensureTestCerts, testLayout } from '../helpers/test-certs.js';

t.test('a parted body arrives whole; one that fails midway rejects the push', async (t) => {
  await ensureTestCerts();
  const l = testLayout();
  const endpoint = await startPushEndpoint(() => 200);
  t.teardown(() => endpoint.close());
  const client = createPushClient({ cert: readFileSync(l.clientCert, 'utf8'), key: readFileSync(l.clientKey, 'utf8'), ca: [readFileSync(l.caCert, 'utf8')] });
  t.teardown(() => client.close());
  const bytes = Buffer.alloc(300_000, 'x');
  let partsRead = 0;
  const parted = (failAfter: number | null): PartedBytes => ({
    size: bytes.length,
    whole: null,
    async *parts() {
      for (const p of bufferParts(bytes)) {
        if (failAfter !== null && partsRead >= failAfter) throw new Error('the body was purged while it was read');
        partsRead += 1;
        yield p;
      }
    },
  });
  const post = (body: PartedBytes): Promise<{ status: number }> => client.post({ endpoint: endpoint.url, body, headers: { 'x-edoc-delivery-id': 'd1' }, timeoutMs: 30_000 });

  t.equal((await post(parted(null))).status, 200);
  t.equal(endpoint.received.length, 1);
  t.ok(endpoint.received[0]!.body.equals(bytes), 'the exact bytes');
  t.equal(endpoint.received[0]!.contentLength, String(bytes.length), 'with their length');
  t.equal(partsRead, 5, 'read part by part');

  partsRead = 0;
  const started = Date.now();
  await t.rejects(post(parted(2)), /purged while it was read/, 'the push fails with the body’s error');
  t.ok(Date.now() - started < 10_000, 'at once, not at the timeout');
  t.equal(endpoint.received.length, 1, 'the endpoint took nothing more');
});
