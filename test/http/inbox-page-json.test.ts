/** The inbox page with bytes is written as Buffers: the same values as JSON.stringify would give (bytes in base64), as ASCII. */
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
    const json = inboxPageWithBytesJson(page);
    const out = Buffer.concat([...json.pieces]);
    t.equal(json.length, out.length, `${page.entries.length} entries: the length given is the pieces' length`);
    t.ok(out.every((b) => b < 0x80), `${page.entries.length} entries: ASCII only`);
    t.same(JSON.parse(out.toString('utf8')), asJson, 'parses back to the page');
    if (page.entries.length > 0) t.match(out.toString('latin1'), /V\\u0103n b\\u1ea3n \\"th\\u1eed\\" s\\u1ed1\\n/, 'Vietnamese as \\u escapes, other escapes as JSON.stringify makes them');
  }
});

t.test('a large page comes in pieces of about 64 KiB, cut between entries', async (t) => {
  const page: InboxPageWithBytes = { entries: Array.from({ length: 50 }, (_, i) => entry(i, randomBytes(10_000))), next: '49' };
  const json = inboxPageWithBytesJson(page);
  const pieces = [...json.pieces];
  t.ok(pieces.length > 5, `${pieces.length} pieces`);
  t.equal(json.length, pieces.reduce((n, p) => n + p.length, 0), 'the length given is their length');
  t.ok(pieces.every((p) => p.length < 64 * 1024 + 16_000), 'none much over 64 KiB');
  t.ok(pieces.slice(1).every((p) => /^[,\]]/.test(p.toString('latin1', 0, 1))), 'each later piece starts with the next entry or the end of the list');
  t.equal(JSON.parse(Buffer.concat(pieces).toString('utf8')).entries.length, 50);
});

t.test('a large body is cut into pieces too, and reads back whole', async (t) => {
  const big = randomBytes(300_001);
  const page: InboxPageWithBytes = { entries: [entry(1, randomBytes(5)), entry(2, big), entry(3, randomBytes(7))], next: null };
  const json = inboxPageWithBytesJson(page);
  const pieces = [...json.pieces];
  t.ok(pieces.length >= 6, `${pieces.length} pieces`);
  t.ok(pieces.every((p) => p.length <= 64 * 1024 + 1024), 'none over 64 KiB and an entry head');
  t.equal(json.length, pieces.reduce((n, p) => n + p.length, 0), 'the length given is their length');
  const parsed = JSON.parse(Buffer.concat(pieces).toString('utf8')) as { entries: { bytes: string }[] };
  t.ok(Buffer.from(parsed.entries[1]!.bytes, 'base64').equals(big), 'the body decodes to its bytes');
});

t.test('pieces are made as they are asked for, and again when iterated again', async (t) => {
  const bodies = Array.from({ length: 20 }, (_, i) => entry(i, randomBytes(i === 7 ? 10_001 : 10_000)));
  const page: InboxPageWithBytes = { entries: bodies, next: null };
  const json = inboxPageWithBytesJson(page);
  const it = json.pieces[Symbol.iterator]();
  const first = it.next();
  t.notOk(first.done, 'a first piece');
  // A body changed after the first piece was made shows in a later piece only: the later ones were not made yet.
  bodies[19]!.bytes!.fill(0);
  const rest: Buffer[] = [];
  for (let r = it.next(); !r.done; r = it.next()) rest.push(r.value);
  const parsed = JSON.parse(Buffer.concat([first.value as Buffer, ...rest]).toString('utf8')) as { entries: { bytes: string }[] };
  t.equal(parsed.entries[19]!.bytes, Buffer.alloc(10_000).toString('base64'), 'the last body encoded when its piece was asked for');
  t.equal(Buffer.concat([...json.pieces]).length, json.length, 'iterated again: the whole page, its length as given');
});
