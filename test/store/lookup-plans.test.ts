/**
 * The hub's connections live for days while its tables grow from nothing.
 * Lookups of a page of keys must reach the grown table through its index on a
 * connection that ran them many times while the table was small: a cached
 * generic plan made then (a sequential scan) would be kept until an ANALYZE,
 * which this machine's PostgreSQL (autovacuum off) never runs.
 */
import t from 'tap';
import { createTestDatabase } from '../helpers/test-db.js';
import { findHubNotice, findPriors, getMessageBodies, getMessageHeaders, getMessageWithBytes, listLinkedTo } from '../../src/store/message-repo.js';
import type { Db } from '../../src/store/db.js';
import { acknowledgeMany, listInbox, markFetched } from '../../src/store/delivery-repo.js';
import { runGuard } from '../../src/audit/append-event.js';

const G22 = '000.00.00.G22';

async function addMessages(db: Db, from: number, n: number): Promise<string[]> {
  const r = await db.query<{ id: string }>(
    `WITH m AS (
       INSERT INTO messages (id, kind, from_organ, recipients, document_id, sha256, size, signature, summary)
       SELECT gen_random_uuid(), 'edoc', $1, ARRAY['000.00.00.H41'], $1 || ',2026/11/29,' || i || '/BENCH', md5(i::text), 10, '{}', '{}'
         FROM generate_series($2::int, $3::int) AS i
       RETURNING id
     ), b AS (INSERT INTO message_bodies (message_id, bytes) SELECT id, '\\x3c612f3e' FROM m
     ), d AS (INSERT INTO deliveries (id, message_id, recipient, mode, state) SELECT gen_random_uuid(), id, '000.00.00.H41', 'pull', 'acknowledged' FROM m)
     SELECT id::text AS id FROM m`,
    [G22, from, from + n - 1],
  );
  return r.rows.map((x) => x.id);
}

/** Sequential scans of the tables so far, as the statistics system has them. */
async function seqScans(db: Db): Promise<number> {
  const r = await db.query<{ n: string }>(
    "SELECT coalesce(sum(seq_scan), 0)::text AS n FROM pg_stat_user_tables WHERE relname IN ('messages', 'message_bodies', 'deliveries')",
  );
  return Number(r.rows[0]!.n);
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
    await getMessageWithBytes(tdb.db, ids[0]!, '000.00.00.H41');
    // A document's links (every tracking request) and the hub's notice check (every failed acknowledgement).
    await listLinkedTo(tdb.db, ids[0]!);
    await findHubNotice(tdb.db, dIds[0]!);
    // The recipient's side: its inbox, a page marked fetched (with its log entries), a batch acknowledged.
    await listInbox(tdb.db, '000.00.00.H41', null, 100);
    await tdb.db.tx((q) => runGuard(q, markFetched(dIds)));
    await tdb.db.tx((q) => acknowledgeMany(q, '000.00.00.H41', dIds.map((id) => ({ id, result: 'done' }))));
  };
  const smallDeliveries = await deliveryIds(small);
  for (let i = 0; i < 10; i++) await lookups(small, smallDeliveries);

  await addMessages(tdb.db, 4, 200_000);
  // The one connection is told to report its table statistics at the end of its next statement.
  const scansOf = async (): Promise<number> => {
    await tdb.db.query('SELECT pg_stat_force_next_flush()');
    await tdb.db.query('SELECT 1');
    return seqScans(tdb.db);
  };
  const grown = (await tdb.db.query<{ id: string }>('SELECT id::text AS id FROM messages ORDER BY seq DESC LIMIT 200')).rows.map((r) => r.id);
  // A page of them waiting in the inbox, as the lookups expect.
  await tdb.db.query("UPDATE deliveries SET state = 'available' WHERE message_id = ANY($1::uuid[])", [grown]);
  const grownDeliveries = await deliveryIds(grown);
  const before = await scansOf();
  await lookups(grown, grownDeliveries);
  t.equal(await scansOf(), before, 'no sequential scan of messages, message_bodies or deliveries');
  t.equal((await getMessageBodies(tdb.db, grown)).size, 200, 'and the lookups found their rows');
  const acked = await tdb.db.query<{ n: string }>("SELECT count(*)::text AS n FROM deliveries WHERE message_id = ANY($1::uuid[]) AND state = 'acknowledged' AND fetched_at IS NOT NULL", [grown]);
  t.equal(acked.rows[0]!.n, '200', 'the page was marked fetched, then acknowledged');
});
