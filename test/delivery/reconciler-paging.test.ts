/**
 * The reconciler rebuilds the job of every pending push delivery, reading them
 * in pages of 1,000. It once asked for the same first 1,000 (oldest
 * updated_at) on every round: with 1,000 older deliveries that have their
 * (delayed) jobs, a newer delivery whose job was lost was never seen. It now
 * walks on with a cursor on (updated_at, id), exact to the microsecond.
 */
import t, { type Test } from 'tap';
import { randomBytes, randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';
import { dropQueueKeys } from '../helpers/drop-queue-keys.js';
import { producerConnection } from '../../src/queue/redis-connection.js';
import { createPushQueue, type PushQueue } from '../../src/queue/push-queue.js';
import { createReconciler } from '../../src/delivery/reconciler.js';

const log = pino({ level: 'silent' });

async function setUp(t: Test): Promise<{ tdb: TestDatabase; queue: PushQueue }> {
  const tdb = await createTestDatabase();
  const prefix = `edoc-test-${randomBytes(4).toString('hex')}`;
  const redis = producerConnection('redis://127.0.0.1:6379');
  const queue = createPushQueue({ connection: redis, prefix, attempts: 4, backoffMs: 100, log });
  t.teardown(async () => {
    await queue.close();
    redis.disconnect();
    await dropQueueKeys(prefix);
    await tdb.drop();
  });
  return { tdb, queue };
}

/** `n` push deliveries waiting for a retry, the i-th (from 1) updated at `updatedAt(i)` (SQL); their ids in (updated_at, id) order. */
async function addPending(tdb: TestDatabase, n: number, updatedAt: string): Promise<string[]> {
  const messageId = randomUUID();
  await tdb.db.query(
    `INSERT INTO messages (id, kind, from_organ, recipients, document_id, sha256, size, signature, summary)
     VALUES ($1::uuid, 'edoc', '000.00.00.G22', '{}', $1::text, 'x', 1, '{}', '{}')`,
    [messageId],
  );
  await tdb.db.query(
    `INSERT INTO deliveries (id, message_id, recipient, mode, state, updated_at)
     SELECT gen_random_uuid(), $1, 'R' || i, 'push', 'retrying', ${updatedAt} FROM generate_series(1, $2::int) AS i`,
    [messageId, n],
  );
  return (await tdb.db.query<{ id: string }>('SELECT id FROM deliveries ORDER BY updated_at, id')).rows.map((r) => r.id);
}

t.test('a lost job behind 1,000 older pending deliveries is re-enqueued', async (t) => {
  const { tdb, queue } = await setUp(t);
  const rows = await addPending(tdb, 1001, "now() - interval '1 hour' + i * interval '1 second'");
  // The first 1,000 (older) have a job (delayed: a retry's backoff), the newest lost its job.
  await queue.add(rows.slice(0, 1000), 3_600_000);
  const lost = rows[1000]!;
  t.notOk(await queue.queue.getJob(lost), 'the newest delivery has no job');
  const reconciler = createReconciler({ db: tdb.db, queue, log, graceMs: 0, stuckMs: 60_000, intervalMs: 60_000 });
  t.equal(await reconciler.runOnce(), 1, 'one job re-enqueued');
  t.ok(await queue.queue.getJob(lost), 'the one whose job was lost');
  t.equal(await reconciler.runOnce(), 0, 'the next run finds nothing missing');
});

t.test('deliveries updated in the same millisecond, or the same microsecond, are each seen once', async (t) => {
  const { tdb, queue } = await setUp(t);
  // 1,500 within one millisecond (a Date cannot tell them apart; two by two at the same microsecond),
  // then 1,500 at the very same instant (ordered by id).
  const base = "date_trunc('milliseconds', now() - interval '1 hour')";
  const rows = await addPending(tdb, 1500, `${base} + i * interval '0.5 microsecond'`);
  const all = await addPending(tdb, 1500, `${base} + interval '1 second'`);
  t.equal(all.length, 3000);
  t.same(all.slice(0, 1500), rows);
  // Every fifth lost its job.
  const lost = all.filter((_, i) => i % 5 === 4);
  await queue.add(all.filter((_, i) => i % 5 !== 4), 3_600_000);
  const reconciler = createReconciler({ db: tdb.db, queue, log, graceMs: 0, stuckMs: 60_000, intervalMs: 60_000 });
  t.equal(await reconciler.runOnce(), lost.length, `the ${lost.length} lost jobs re-enqueued, each once`);
  const jobs = await Promise.all(lost.map((id) => queue.queue.getJob(id)));
  t.equal(jobs.filter(Boolean).length, lost.length, 'every lost one has its job again');
  t.equal(await reconciler.runOnce(), 0, 'the next run starts over and finds nothing missing');
});
