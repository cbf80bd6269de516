/**
 * The BullMQ worker that runs push attempts. A retry is a thrown error (BullMQ
 * waits the backoff and runs the job again); an undeliverable delivery is an
 * UnrecoverableError so no attempt is wasted.
 */
import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { PUSH_QUEUE, type PushJob } from '../queue/push-queue.js';
import { pushDelivery, type PushDeps, type PushOutcome } from './push-delivery.js';

export interface PushWorkerOptions extends PushDeps {
  connection: Redis;
  prefix: string;
  concurrency: number;
  /** Job lock; a crashed worker's job is picked up again after this long. */
  lockMs: number;
  onOutcome?: (outcome: PushOutcome) => void;
}

export function createPushWorker(opts: PushWorkerOptions): Worker<PushJob> {
  const worker = new Worker<PushJob>(
    PUSH_QUEUE,
    async (job) => {
      const { outcome, error } = await pushDelivery(opts, job.data.deliveryId);
      opts.onOutcome?.(outcome);
      if (outcome === 'retry') throw new Error(error ?? 'push failed');
      if (outcome === 'undeliverable') throw new UnrecoverableError(error ?? 'undeliverable');
      return outcome;
    },
    { connection: opts.connection, prefix: opts.prefix, concurrency: opts.concurrency, autorun: true, lockDuration: opts.lockMs, stalledInterval: opts.lockMs },
  );
  worker.on('error', (err) => opts.log.warn({ err: err.message }, 'push worker: Redis error'));
  return worker;
}
