/** The hub bench's recipients read inbox pages without one large string (bench/inbox-pullers.ts): the same documents and sizes as JSON.parse gives. */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { readPage } from '../../bench/inbox-pullers.js';
import { inboxPageWithBytesJson } from '../../src/http/inbox-page-json.js';
import type { InboxPageWithBytes } from '../../src/exchange/inbox.js';

const entry = (i: number, bytes: Buffer | null): InboxPageWithBytes['entries'][number] =>
  ({
    deliveryId: `d${i}`,
    state: 'fetched',
    cursor: String(i),
    // A subject holding the text the reader looks for: inside a JSON string its quotes are escaped.
    message: { id: `m${i}`, subject: `Văn bản "bytes":"AAAA" số ${i}`, size: bytes?.length ?? 0, from: '000.00.00.G22' },
    bytes,
  }) as unknown as InboxPageWithBytes['entries'][number];

t.test('each document becomes its decoded length; every other value is as JSON.parse reads it', async (t) => {
  const page: InboxPageWithBytes = {
    entries: [entry(1, Buffer.alloc(0)), entry(2, randomBytes(1)), entry(3, randomBytes(2)), entry(4, randomBytes(3)), entry(5, null), ...Array.from({ length: 40 }, (_, i) => entry(6 + i, randomBytes(10_000 + i)))],
    next: '45',
  };
  const body = Buffer.concat([...inboxPageWithBytesJson(page).pieces]);
  const parsed = JSON.parse(body.toString('utf8')) as { entries: { bytes: string | null }[]; next: string };
  const read = readPage(body);
  t.equal(read.entries.length, 45);
  t.same(
    read.entries.map((e) => e.bytes),
    parsed.entries.map((e) => (e.bytes === null ? null : Buffer.byteLength(e.bytes, 'base64'))),
    'the sizes the base64 decodes to, null where a page has no bytes',
  );
  t.same(
    read.entries.map(({ bytes: _bytes, ...rest }) => rest),
    parsed.entries.map(({ bytes: _bytes, ...rest }) => rest),
    'the rest of each entry unchanged',
  );
  t.equal(read.entries[0]!.message.id, 'm1');
});

t.test('a page cut inside a document is an error, not a short document', async (t) => {
  const body = Buffer.concat([...inboxPageWithBytesJson({ entries: [entry(1, randomBytes(300))], next: null }).pieces]);
  t.throws(() => readPage(body.subarray(0, 200)), /cut inside a document/);
});
