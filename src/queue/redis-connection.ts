/**
 * Redis connections for BullMQ. Workers block on Redis and need
 * `maxRetriesPerRequest: null`; producers fail fast (no offline queue) so an
 * accepted message is never held up by a Redis outage — the reconciler
 * re-enqueues from the database when Redis is back.
 */
import { Redis } from 'ioredis';
import { HubError } from '../shared/hub-error.js';

export function workerConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
}

export function producerConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 });
}

/** Pings Redis once; throws a HubError saying how to start one when unreachable. */
export async function checkRedis(url: string, timeoutMs = 3_000): Promise<void> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: timeoutMs, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    await r.ping();
  } catch (e) {
    throw new HubError(
      'queue.redis_unreachable',
      `Redis is not reachable at ${url} (${(e as Error).message}). Start one with:\n` +
        `  redis-server --daemonize yes --bind 127.0.0.1 --port 6379\n` +
        `or point REDIS_URL at a running server.`,
      { status: 503, retryable: true },
    );
  } finally {
    r.disconnect();
  }
}
