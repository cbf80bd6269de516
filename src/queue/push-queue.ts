/**
 * The push-delivery queue. A job carries only the delivery id and uses it as
 * the job id, so enqueuing the same delivery twice never makes a second job;
 * the database row is the truth about the delivery, the job is only the nudge.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { DeliveryScheduler } from '../exchange/exchange-deps.js';

export const PUSH_QUEUE = 'push-delivery';

export interface PushJob {
  deliveryId: string;
}

export interface PushQueue extends DeliveryScheduler {
  queue: Queue<PushJob>;
  /** Adds jobs and waits; throws when Redis is unreachable. */
  add(deliveryIds: string[], delayMs?: number): Promise<void>;
  counts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export interface PushQueueOptions {
  connection: Redis;
  prefix: string;
  attempts: number;
  backoffMs: number;
  log: Logger;
}

export function createPushQueue(opts: PushQueueOptions): PushQueue {
  const queue = new Queue<PushJob>(PUSH_QUEUE, {
    connection: opts.connection,
    prefix: opts.prefix,
    defaultJobOptions: {
      // Retries are counted in the database (deliveries.attempts); BullMQ's own
      // backoff only spaces them. Completed jobs are dropped, failed ones kept a day.
      attempts: opts.attempts,
      backoff: { type: 'exponential', delay: opts.backoffMs, jitter: 0.3 },
      removeOnComplete: true,
      removeOnFail: { age: 86_400 },
    },
  });
  queue.on('error', (err) => opts.log.warn({ err: err.message }, 'push queue: Redis error'));

  async function add(deliveryIds: string[], delayMs = 0): Promise<void> {
    if (deliveryIds.length === 0) return;
    await queue.addBulk(deliveryIds.map((deliveryId) => ({ name: 'push', data: { deliveryId }, opts: { jobId: deliveryId, delay: delayMs } })));
  }

  return {
    queue,
    add,
    schedulePush(deliveryIds) {
      add(deliveryIds).catch((err: unknown) =>
        opts.log.warn({ deliveryIds, err: (err as Error).message }, 'could not enqueue push deliveries now; the reconciler will'),
      );
    },
    async counts() {
      return queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
    },
    async close() {
      await queue.close();
    },
  };
}
