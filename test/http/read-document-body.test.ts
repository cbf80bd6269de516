import t from 'tap';
import { createHash, randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { digestOfBody, readDocumentBody } from '../../src/http/read-document-body.js';
import { isHubError } from '../../src/shared/hub-error.js';

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** A request body arriving in chunks of `size` bytes. */
function arriving(bytes: Buffer, size: number, opts: { failAt?: number } = {}): PassThrough {
  const s = new PassThrough();
  setImmediate(() => {
    for (let at = 0; at < bytes.length; at += size) {
      if (opts.failAt !== undefined && at >= opts.failAt) {
        s.destroy(new Error('aborted'));
        return;
      }
      s.write(bytes.subarray(at, at + size));
    }
    s.end();
  });
  return s;
}

async function refusal(p: Promise<Buffer>): Promise<{ code: string; status: number; message: string }> {
  try {
    await p;
  } catch (e) {
    if (isHubError(e)) return { code: e.code, status: e.status, message: e.message };
    const err = e as Error & { statusCode?: number };
    return { code: 'other', status: err.statusCode ?? 0, message: err.message };
  }
  throw new Error('not refused');
}

t.test('the exact bytes and their SHA-256, with or without an announced length', async (t) => {
  const bytes = randomBytes(200_003);
  const announced = await readDocumentBody(arriving(bytes, 16_384), String(bytes.length), 1_000_000);
  t.ok(announced.equals(bytes));
  t.equal(digestOfBody(announced), sha256(bytes), 'the digest taken on the way');
  const chunked = await readDocumentBody(arriving(bytes, 7_000), undefined, 1_000_000);
  t.ok(chunked.equals(bytes), 'chunked: joined at the end');
  t.equal(digestOfBody(chunked), sha256(bytes));
  const empty = await readDocumentBody(arriving(Buffer.alloc(0), 1), '0', 10);
  t.equal(empty.length, 0);
  t.equal(digestOfBody(empty), sha256(Buffer.alloc(0)));
  t.equal(digestOfBody(Buffer.from('x')), undefined, 'no digest for bytes it did not read');
});

t.test('refusals: too large, wrong length, broken stream', async (t) => {
  const bytes = randomBytes(5_000);
  t.match(await refusal(readDocumentBody(arriving(bytes, 1_000), '5000', 4_999)), { code: 'exchange.too_large', status: 413 }, 'announced too large');
  t.match(await refusal(readDocumentBody(arriving(bytes, 1_000), undefined, 4_999)), { code: 'exchange.too_large', status: 413 }, 'chunked, found too large on the way');
  t.match(await refusal(readDocumentBody(arriving(bytes, 1_000), '4000', 10_000)), { code: 'http.invalid_request', status: 400, message: /says 4000 bytes but more came/ });
  t.match(await refusal(readDocumentBody(arriving(bytes, 1_000), '6000', 10_000)), { code: 'http.invalid_request', status: 400, message: /says 6000 bytes but 5000 came/ });
  t.match(await refusal(readDocumentBody(arriving(bytes, 1_000), 'lots', 10_000)), { code: 'http.invalid_request', status: 400, message: /not a byte count/ });
  t.match(await refusal(readDocumentBody(arriving(bytes, 1_000, { failAt: 2_000 }), '5000', 10_000)), { code: 'other', status: 400, message: 'aborted' }, 'a broken stream is a 400');
});
