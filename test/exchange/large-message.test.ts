/**
 * A document of several megabytes goes in and out whole: read as it arrives,
 * with or without a Content-Length (src/http/read-document-body.ts), read back
 * from the database in slices (src/store/body-slices.ts), fetched by a polling
 * recipient and pushed to an agency endpoint, both sent in 64 KiB parts over
 * TLS (src/shared/bytes-body.ts), arriving byte for byte with the right length.
 */
import t from 'tap';
import { createHash } from 'node:crypto';
import { buildEdoc } from '../../src/edxml/build-edxml.js';
import { startTestHub } from '../helpers/test-hub.js';
import { startPushEndpoint } from '../helpers/push-endpoint.js';
import { prng } from '../helpers/prng.js';
import { until } from '../helpers/until.js';

const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';
const H14 = '000.00.00.H14';

t.test('a 4 MB document fetched and pushed byte for byte', async (t) => {
  const endpoint = await startPushEndpoint(() => 200);
  const hub = await startTestHub();
  t.teardown(async () => {
    await hub.close();
    await endpoint.close();
  });
  await hub.setAgency(G22, { signaturePolicy: 'lenient' });
  await hub.setAgency(H14, { delivery: { mode: 'push', endpoint: endpoint.url } });

  const next = prng(3);
  const scan = Buffer.from(Array.from({ length: 3_000_001 }, () => Math.floor(next() * 256)));
  const doc = buildEdoc({
    from: { organId: G22 },
    to: [{ organId: H41 }, { organId: H14 }],
    documentId: `${G22},2026/12/01,77/LARGE`,
    subject: 'Hồ sơ quét',
    attachments: [{ contentId: 'scan', attachmentName: 'ho-so.pdf', contentType: 'application/pdf', data: scan }],
  });
  t.ok(doc.length > 4_000_000, 'several megabytes, many parts');
  const sent = await hub.request(G22, 'POST', '/v1/messages', doc);
  t.equal(sent.status, 202, sent.body.toString());
  const { id, sha256 } = sent.json<{ id: string; sha256: string }>();
  t.equal(sha256, createHash('sha256').update(doc).digest('hex'), 'its SHA-256, taken as the bytes arrived');
  // Sent again without a Content-Length (chunked): read the same way, so the same digest: the first answer.
  const again = await hub.request(G22, 'POST', '/v1/messages', doc, { 'transfer-encoding': 'chunked' });
  t.equal(again.status, 200, again.body.toString().slice(0, 300));
  t.same(again.json<{ id: string; sha256: string }>(), { ...sent.json(), duplicate: true }, 'a resubmission, nothing delivered again');

  const fetched = await hub.request(H41, 'GET', `/v1/messages/${id}`);
  t.equal(fetched.status, 200);
  t.equal(fetched.headers['content-length'], String(doc.length), 'its length announced, not chunked');
  t.equal(fetched.headers['x-edoc-sha256'], createHash('sha256').update(doc).digest('hex'));
  t.ok(fetched.body.equals(doc), 'the exact bytes as submitted');

  await until('push to Cao Bằng', async () => endpoint.received.length === 1);
  t.equal(endpoint.requests, 1, 'pushed once');
  t.ok(endpoint.received[0]!.body.equals(doc), 'the endpoint got the exact bytes');
  t.equal(endpoint.received[0]!.contentLength, String(doc.length), 'with their length announced');
});
