/** The inbox page with bytes is written as a Buffer: it must be exactly the JSON JSON.stringify would give, bytes in base64. */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { inboxPageWithBytesJson } from '../../src/http/inbox-page-json.js';
import type { InboxPageWithBytes } from '../../src/exchange/inbox.js';

const entry = (i: number, bytes: Buffer | null): InboxPageWithBytes['entries'][number] =>
  ({
    deliveryId: `d${i}`,
    state: 'fetched',
    cursor: String(i),
    message: { id: `m${i}`, subject: 'Văn bản "thử" số\n' + i + ' \u2028', size: 10, from: '000.00.00.G22' },
    bytes,
  }) as unknown as InboxPageWithBytes['entries'][number];

t.test('the same JSON as JSON.stringify with the bytes in base64, as UTF-8 bytes', async (t) => {
  const pages: InboxPageWithBytes[] = [
    { entries: [], next: null },
    { entries: [entry(1, randomBytes(3000))], next: null },
    { entries: [entry(1, randomBytes(10)), entry(2, null), entry(3, Buffer.alloc(0)), entry(4, randomBytes(11))], next: '4' },
  ];
  for (const page of pages) {
    const asJson = { ...page, entries: page.entries.map((e) => ({ ...e, bytes: e.bytes?.toString('base64') ?? null })) };
    const out = inboxPageWithBytesJson(page);
    t.equal(out.toString('utf8'), JSON.stringify(asJson), `${page.entries.length} entries`);
    t.same(JSON.parse(out.toString('utf8')), asJson, 'parses back to the page');
  }
});
