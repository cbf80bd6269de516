/** Deletes a test run's BullMQ keys (`<prefix>:*`) from the local Redis. */
import { Redis } from 'ioredis';

export async function dropQueueKeys(prefix: string, redisUrl = 'redis://127.0.0.1:6379'): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
