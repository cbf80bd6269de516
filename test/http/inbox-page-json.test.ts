/** The inbox page with bytes is written as a Buffer: the same values as JSON.stringify would give (bytes in base64), as ASCII. */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { inboxPageWithBytesJson } from '../../src/http/inbox-page-json.js';
import type { InboxPageWithBytes } from '../../src/exchange/inbox.js';

const entry = (i: number, bytes: Buffer | null): InboxPageWithBytes['entries'][number] =>
  ({
    deliveryId: `d${i}`,
    state: 'fetched',
    cursor: String(i),
    message: { id: `m${i}`, subject: 'Văn bản "thử" số\n' + i + ' \u2028 😀 \ud800', size: 10, from: '000.00.00.G22' },
    bytes,
  }) as unknown as InboxPageWithBytes['entries'][number];

t.test('the same values as JSON.stringify with the bytes in base64, in ASCII only', async (t) => {
  const pages: InboxPageWithBytes[] = [
    { entries: [], next: null },
    { entries: [entry(1, randomBytes(3000))], next: null },
    { entries: [entry(1, randomBytes(10)), entry(2, null), entry(3, Buffer.alloc(0)), entry(4, randomBytes(11))], next: '4' },
  ];
  for (const page of pages) {
    const asJson = { ...page, entries: page.entries.map((e) => ({ ...e, bytes: e.bytes?.toString('base64') ?? null })) };
    const out = inboxPageWithBytesJson(page);
    t.ok(out.every((b) => b < 0x80), `${page.entries.length} entries: ASCII only`);
    t.same(JSON.parse(out.toString('utf8')), asJson, 'parses back to the page');
    if (page.entries.length > 0) t.match(out.toString('latin1'), /V\\u0103n b\\u1ea3n \\"th\\u1eed\\" s\\u1ed1\\n/, 'Vietnamese as \\u escapes, other escapes as JSON.stringify makes them');
  }
});
