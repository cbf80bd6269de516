/** The inbox page with bytes is written as a Buffer: it must be exactly the JSON JSON.stringify would give. */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { inboxPageWithBytesJson } from '../../src/http/inbox-page-json.js';
import type { InboxPageWithBytes } from '../../src/exchange/inbox.js';

const entry = (i: number, bytes: string | null): InboxPageWithBytes['entries'][number] =>
  ({
    deliveryId: `d${i}`,
    state: 'fetched',
    cursor: String(i),
    message: { id: `m${i}`, subject: 'Văn bản "thử" số\n' + i + ' \u2028', size: 10, from: '000.00.00.G22' },
    bytes,
  }) as unknown as InboxPageWithBytes['entries'][number];

t.test('the same JSON as JSON.stringify, as UTF-8 bytes', async (t) => {
  const pages: InboxPageWithBytes[] = [
    { entries: [], next: null },
    { entries: [entry(1, randomBytes(3000).toString('base64'))], next: null },
    { entries: [entry(1, randomBytes(10).toString('base64')), entry(2, null), entry(3, '')], next: '3' },
  ];
  for (const page of pages) {
    const out = inboxPageWithBytesJson(page);
    t.equal(out.toString('utf8'), JSON.stringify(page), `${page.entries.length} entries`);
    t.same(JSON.parse(out.toString('utf8')), page, 'parses back to the page');
  }
});
