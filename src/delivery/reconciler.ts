/**
 * Rebuilds missing delivery work from the database: every push delivery that
 * is queued or retrying (or stuck in pushing after a crash) gets its job added
 * again. Adding is idempotent (job id = delivery id), so running this often is
 * cheap and safe; it is what makes "accepted" survive a crash between commit
 * and enqueue, or a Redis that lost its data. Each run then does `repair`
 * (the hub's: failure notices still due to senders).
 */
import type { Logger } from 'pino';
import type { Db } from '../store/db.js';
import { listPendingPush, pendingPushCursor, type PendingPushCursor } from '../store/delivery-repo.js';
import type { PushQueue } from '../queue/push-queue.js';

export interface ReconcilerOptions {
  db: Db;
  queue: PushQueue;
  log: Logger;
  /** Leave rows younger than this to the normal path. */
  graceMs: number;
  /** A delivery in `pushing` longer than this is taken as abandoned by a crashed worker. */
  stuckMs: number;
  intervalMs: number;
  /** More work rebuilt from the database on each run; resolves to how much it did. */
  repair?: () => Promise<number>;
}

/** Deliveries looked at per round, and rounds per run. */
const BATCH = 1000;
const MAX_ROUNDS = 100;

export interface Reconciler {
  runOnce(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

export function createReconciler(opts: ReconcilerOptions): Reconciler {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;

  /**
   * Where the walk through the pending deliveries goes on: each round asks for
   * the 1,000 after the last one it saw (the oldest 1,000 have their live jobs
   * more often than not: asking for them again would never reach a newer
   * delivery whose job was lost). A run that ends before the last page leaves
   * it for the next run, which goes on from there; one that saw the last page
   * starts the next from the beginning.
   */
  let cursor: PendingPushCursor | null = null;

  async function runOnce(): Promise<number> {
    const now = Date.now();
    let total = 0;
    // Batches; a job that exists already is left alone by BullMQ.
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const rows = await listPendingPush(opts.db, new Date(now - opts.graceMs), new Date(now - opts.stuckMs), BATCH, cursor);
      const missing: string[] = [];
      for (const r of rows) {
        const job = await opts.queue.queue.getJob(r.id);
        const state = job ? await job.getState() : null;
        // A failed job (BullMQ gave up, e.g. after a restart mid-retry) is replaced; live ones stay.
        if (!job || state === 'failed' || state === 'completed' || state === 'unknown') {
          if (job && (state === 'failed' || state === 'completed')) await job.remove().catch(() => undefined);
          missing.push(r.id);
        }
      }
      if (missing.length > 0) {
        await opts.queue.add(missing);
        total += missing.length;
      }
      const last = rows.at(-1);
      if (rows.length < BATCH || !last) {
        cursor = null;
        break;
      }
      cursor = pendingPushCursor(last);
    }
    if (total > 0) opts.log.info({ requeued: total }, 'reconciler re-enqueued push deliveries from the database');
    return total + (opts.repair ? await opts.repair() : 0);
  }

  function tick(): void {
    if (running) return;
    running = runOnce();
    running
      .catch((err: unknown) => opts.log.warn({ err: (err as Error).message }, 'reconciler run failed; will try again'))
      .finally(() => {
        running = null;
      });
  }

  return {
    runOnce,
    start() {
      if (timer) return;
      tick();
      timer = setInterval(tick, opts.intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running?.catch(() => undefined);
    },
  };
}
