/**
 * An inbox cursor never passes a delivery that commits later. Deliveries are
 * listed by seq; transactions that insert them hold SEQ_ORDER_LOCK from their
 * start, so they commit in seq order. Without it: transaction A takes seq 40,
 * an accept takes 41 and commits first, a poll returns 41, and the next poll
 * after 41 never sees 40.
 */
import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildEdoc } from '../../src/edxml/build-edxml.js';
import { SEQ_ORDER_LOCK } from '../../src/store/message-repo.js';
import type { Queryable } from '../../src/store/db.js';
import { startTestHub } from '../helpers/test-hub.js';

const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';

interface Page {
  entries: { cursor: string; message: { documentId: string } }[];
  next: string | null;
}

/** A message to H41 with its pull delivery, inserted as another hub process's transaction would; the delivery's seq. */
async function insertDelivery(q: Queryable, documentId = 'OTHER-PROCESS'): Promise<string> {
  const r = await q.query<{ seq: string }>(
    `WITH m AS (
       INSERT INTO messages (id, kind, from_organ, recipients, document_id, sha256, size, signature, summary)
       VALUES (gen_random_uuid(), 'edoc', $1, ARRAY[$2], $3, md5($3), 10, '{}', '{}')
       RETURNING id
     ), b AS (INSERT INTO message_bodies (message_id, bytes) SELECT id, '\\x3c612f3e' FROM m)
     INSERT INTO deliveries (id, message_id, recipient, mode, state) SELECT gen_random_uuid(), id, $2, 'pull', 'available' FROM m
     RETURNING seq::text AS seq`,
    [G22, H41, documentId],
  );
  return r.rows[0]!.seq;
}

t.test('an accept waits for an older transaction holding lower seqs; a cursor reaches both', async (t) => {
  const hub = await startTestHub();
  t.teardown(() => hub.close());
  await hub.setAgency(G22, { signaturePolicy: 'lenient' });
  const list = async (after: string | null): Promise<Page> =>
    (await hub.request(H41, 'GET', `/v1/inbox?limit=1${after ? `&after=${after}` : ''}`)).json<Page>();
  const follow = async (after: string | null): Promise<{ seen: string[]; cursor: string | null }> => {
    const seen: string[] = [];
    let cursor = after;
    for (let p = await list(cursor); p.entries.length > 0; p = await list(cursor)) {
      seen.push(...p.entries.map((e) => e.message.documentId));
      cursor = p.entries[p.entries.length - 1]!.cursor;
    }
    return { seen, cursor };
  };

  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let inserted!: () => void;
  const insertedNow = new Promise<void>((r) => (inserted = r));
  // Another process's transaction: the lock, a delivery with a lower seq, still open.
  const other = hub.tdb.db.tx(async (q) => {
    await insertDelivery(q);
    inserted();
    await held;
  }, { locks: [SEQ_ORDER_LOCK] });
  await insertedNow;

  let answered = false;
  const doc = buildEdoc({ from: { organId: G22 }, to: [{ organId: H41 }], documentId: `${G22},2026/11/29,1/CURSOR`, subject: 'Văn bản' });
  const submitted = hub.request(G22, 'POST', '/v1/messages', doc).then((r) => {
    answered = true;
    return r;
  });
  // The accept must now wait for the lock: seen in pg_locks (or, were it not waiting, answered).
  for (;;) {
    const waiting = await hub.tdb.db.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");
    if (waiting.rows.length > 0 || answered) break;
    await sleep(20);
  }
  t.notOk(answered, 'the accept waits while an older transaction holds lower seqs');
  const during = await follow(null);
  t.same(during.seen, [], 'nothing is listed yet');
  release();
  await other;
  t.equal((await submitted).status, 202);
  const after = await follow(during.cursor);
  t.same(after.seen, ['OTHER-PROCESS', `${G22},2026/11/29,1/CURSOR`], 'the same cursor reaches both, in seq order');
});

t.test('inbox and sent list by number, not as text: a cursor across 9 → 10 and 99 → 100 misses nothing', async (t) => {
  const hub = await startTestHub();
  t.teardown(() => hub.close());
  // seq as text sorts "10" before "9": a page ordered so ended on the wrong row, and the next page skipped rows.
  const seqs: string[] = [];
  for (let i = 0; i < 105; i++) seqs.push(await insertDelivery(hub.tdb.db, `NUMBERED-${i}`));
  t.ok(seqs.some((s) => s.length === 1) && seqs.some((s) => s.length === 3), `seqs from ${seqs[0]} to ${seqs.at(-1)}`);
  const walk = async (as: string, path: string): Promise<string[]> => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 200; page++) {
      const p: { entries: { cursor: string }[]; next: string | null } = (await hub.request(as, 'GET', `${path}?limit=7${after ? `&after=${after}` : ''}`)).json();
      seen.push(...p.entries.map((e) => e.cursor));
      if (p.entries.length === 0) break;
      after = p.entries.at(-1)!.cursor;
    }
    return seen;
  };
  const byNumber = (a: string[]): string[] => [...a].sort((x, y) => Number(x) - Number(y));
  const inbox = await walk(H41, '/v1/inbox');
  t.equal(inbox.length, 105, 'the inbox listed every delivery');
  t.same(inbox, byNumber(inbox), 'oldest first, by number');
  const sent = await walk(G22, '/v1/sent');
  t.equal(sent.length, 105, 'the sent list listed every message');
  t.same(sent, byNumber(sent), 'oldest first, by number');
});

t.test('a cursor past what the database can hold is a bad request, not a server error', async (t) => {
  const hub = await startTestHub();
  t.teardown(() => hub.close());
  for (const path of ['/v1/inbox', '/v1/sent']) {
    const r = await hub.request(H41, 'GET', `${path}?after=9999999999999999999`);
    t.equal(r.status, 400, `${path}: 19 digits over bigint's maximum`);
    t.match(r.json(), { error: { code: 'http.invalid_request', message: /after/ } }, 'with the error object naming the parameter');
    t.equal((await hub.request(H41, 'GET', `${path}?after=999999999999999999`)).status, 200, `${path}: 18 digits read (nothing after them)`);
  }
});
