/**
 * The hub's connections live for days while its tables grow from nothing.
 * Lookups of a page of keys must reach the grown table through its index on a
 * connection that ran them many times while the table was small: a cached
 * generic plan made then (a sequential scan) would be kept until an ANALYZE,
 * which this machine's PostgreSQL (autovacuum off) never runs.
 */
import t from 'tap';
import { createTestDatabase } from '../helpers/test-db.js';
import { findHubNotice, findPriors, getMessageBodies, getMessageHeaders, getMessageWithBody, listLinkedTo } from '../../src/store/message-repo.js';
import type { Db } from '../../src/store/db.js';
import { acknowledgeMany, listInbox, listPendingPush, markFetched, markOneFetched } from '../../src/store/delivery-repo.js';
import { runGuard } from '../../src/audit/append-event.js';

const G22 = '000.00.00.G22';

async function addMessages(db: Db, from: number, n: number, state = 'acknowledged'): Promise<string[]> {
  const r = await db.query<{ id: string }>(
    `WITH m AS (
       INSERT INTO messages (id, kind, from_organ, recipients, document_id, sha256, size, signature, summary)
       SELECT gen_random_uuid(), 'edoc', $1, ARRAY['000.00.00.H41'], $1 || ',2026/11/29,' || i || '/BENCH', md5(i::text), 10, '{}', '{}'
         FROM generate_series($2::int, $3::int) AS i
       RETURNING id
     ), b AS (INSERT INTO message_bodies (message_id, bytes) SELECT id, '\\x3c612f3e' FROM m
     ), d AS (INSERT INTO deliveries (id, message_id, recipient, mode, state) SELECT gen_random_uuid(), id, '000.00.00.H41', 'pull', $4 FROM m)
     SELECT id::text AS id FROM m`,
    [G22, from, from + n - 1, state],
  );
  return r.rows.map((x) => x.id);
}

const TABLES = "('messages', 'message_bodies', 'deliveries')";

/**
 * Sequential scans of the tables so far, and the rows and index entries they read, as the statistics system has them.
 * The connection (the tests' only one) is first told to report its own statistics at the end of its next statement.
 */
async function scans(db: Db): Promise<{ seqScans: number; read: number }> {
  await db.query('SELECT pg_stat_force_next_flush()');
  await db.query('SELECT 1');
  const r = await db.query<{ seq: string; read: string }>(
    `SELECT (SELECT coalesce(sum(seq_scan), 0) FROM pg_stat_user_tables WHERE relname IN ${TABLES})::text AS seq,
            ((SELECT coalesce(sum(seq_tup_read), 0) FROM pg_stat_user_tables WHERE relname IN ${TABLES})
             + (SELECT coalesce(sum(idx_tup_read), 0) FROM pg_stat_user_indexes WHERE relname IN ${TABLES}))::text AS read`,
  );
  return { seqScans: Number(r.rows[0]!.seq), read: Number(r.rows[0]!.read) };
}

t.test('key lookups and the recipient statements stay on the index after their tables grow under a long-lived connection', async (t) => {
  const tdb = await createTestDatabase({ poolSize: 1 }); // one connection: the one that plans, caches and runs
  t.teardown(tdb.drop);
  const small = await addMessages(tdb.db, 1, 3);
  await tdb.db.query("UPDATE deliveries SET state = 'available'");
  const deliveryIds = async (ids: string[]): Promise<string[]> =>
    (await tdb.db.query<{ id: string }>('SELECT id::text AS id FROM deliveries WHERE message_id = ANY($1::uuid[])', [ids])).rows.map((r) => r.id);
  const lookups = async (ids: string[], dIds: string[]): Promise<void> => {
    await getMessageBodies(tdb.db, ids);
    await getMessageHeaders(tdb.db, ids);
    await findPriors(tdb.db, [{ from: G22, kind: 'edoc', documentId: `${G22},2026/11/29,1/BENCH`, sha256: 'x' }]);
    await getMessageWithBody(tdb.db, ids[0]!, '000.00.00.H41');
    // A document's links (every tracking request) and the hub's notice check (every failed acknowledgement).
    await listLinkedTo(tdb.db, ids[0]!);
    await findHubNotice(tdb.db, dIds[0]!);
    // The recipient's side: its inbox, a page marked fetched (with its log entries), a batch acknowledged.
    await listInbox(tdb.db, '000.00.00.H41', null, 100);
    await tdb.db.tx((q) => runGuard(q, markOneFetched(dIds[0]!)));
    await tdb.db.tx((q) => runGuard(q, markFetched(dIds)), { byKey: true });
    await tdb.db.tx((q) => acknowledgeMany(q, '000.00.00.H41', dIds.map((id) => ({ id, result: 'done' }))), { byKey: true });
    // The reconciler's look for push deliveries without a job.
    await listPendingPush(tdb.db, new Date(), new Date(), 100);
  };
  const smallDeliveries = await deliveryIds(small);
  for (let i = 0; i < 10; i++) await lookups(small, smallDeliveries);

  await addMessages(tdb.db, 4, 200_000);
  const grown = (await tdb.db.query<{ id: string }>('SELECT id::text AS id FROM messages ORDER BY seq DESC LIMIT 200')).rows.map((r) => r.id);
  // A page of them waiting in the inbox, as the lookups expect.
  await tdb.db.query("UPDATE deliveries SET state = 'available' WHERE message_id = ANY($1::uuid[])", [grown]);
  const grownDeliveries = await deliveryIds(grown);
  const before = await scans(tdb.db);
  await lookups(grown, grownDeliveries);
  const after = await scans(tdb.db);
  t.equal(after.seqScans, before.seqScans, 'no sequential scan of messages, message_bodies or deliveries');
  // A page's worth of rows per lookup, not the 200,000 of a table or of the recipient's past deliveries.
  t.ok(after.read - before.read < 5000, `the lookups read ${after.read - before.read} rows and index entries (< 5,000)`);
  t.equal((await getMessageBodies(tdb.db, grown)).size, 200, 'and the lookups found their rows');
  const acked = await tdb.db.query<{ n: string }>("SELECT count(*)::text AS n FROM deliveries WHERE message_id = ANY($1::uuid[]) AND state = 'acknowledged' AND fetched_at IS NOT NULL", [grown]);
  t.equal(acked.rows[0]!.n, '200', 'the page was marked fetched, then acknowledged');
});

/** Row updates of deliveries so far, how many were HOT (no new index entries), and the scans and rows read so far. */
async function deliveryUpdates(db: Db): Promise<{ updates: number; hot: number; seqScans: number; read: number }> {
  const read = await scans(db); // flushes this connection's statistics first
  const r = await db.query<{ updates: string; hot: string }>(
    "SELECT n_tup_upd::text AS updates, n_tup_hot_upd::text AS hot FROM pg_stat_user_tables WHERE relname = 'deliveries'",
  );
  return { updates: Number(r.rows[0]!.updates), hot: Number(r.rows[0]!.hot), ...read };
}

const change = (a: Awaited<ReturnType<typeof deliveryUpdates>>, b: typeof a): typeof a => ({
  updates: b.updates - a.updates,
  hot: b.hot - a.hot,
  seqScans: b.seqScans - a.seqScans,
  read: b.read - a.read,
});

// The recipient's past: PostgreSQL, with no statistics, once read all of it, or all of the table, to find a page by id.
for (const past of [2_000, 40_000]) {
  t.test(`a page of 200 among ${past} past deliveries: its fetch is HOT, and its fetch and acknowledgement read only its rows`, async (t) => {
    const tdb = await createTestDatabase({ poolSize: 1 }); // one connection, whose statistics are flushed on demand
    t.teardown(tdb.drop);
    await addMessages(tdb.db, 1, past);
    const messages = await addMessages(tdb.db, past + 1, 200, 'available');
    const ids = (await tdb.db.query<{ id: string }>('SELECT id::text AS id FROM deliveries WHERE message_id = ANY($1::uuid[])', [messages])).rows.map((r) => r.id);
    // As the inbox and the batch acknowledgement run them.
    const before = await deliveryUpdates(tdb.db);
    const fetched = await tdb.db.tx((q) => runGuard(q, markFetched(ids)), { byKey: true });
    t.equal(fetched.length, 200, 'the page was marked fetched');
    const afterFetch = await deliveryUpdates(tdb.db);
    t.same(change(before, afterFetch), { updates: 200, hot: 200, seqScans: 0, read: 200 }, 'every fetch a HOT update, found by its id');
    t.equal((await listInbox(tdb.db, '000.00.00.H41', null, 500)).length, 200, 'fetched deliveries stay in the inbox');
    const beforeAck = await deliveryUpdates(tdb.db);
    await tdb.db.tx((q) => acknowledgeMany(q, '000.00.00.H41', ids.map((id) => ({ id, result: 'done' }))), { byKey: true });
    const acked = change(beforeAck, await deliveryUpdates(tdb.db));
    t.same({ ...acked, read: undefined }, { updates: 200, hot: 0, seqScans: 0, read: undefined }, 'leaving the inbox index is not HOT; no sequential scan');
    t.ok(acked.read <= 400, `the acknowledgement read ${acked.read} rows and index entries (its deliveries and their messages)`);
    t.same(await listInbox(tdb.db, '000.00.00.H41', null, 500), [], 'acknowledged deliveries left the inbox');
  });
}
