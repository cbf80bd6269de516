/** Liveness, readiness (PostgreSQL and Redis) and Prometheus metrics. No client certificate needed. */
import type { FastifyInstance } from 'fastify';
import type { HubServices } from '../../hub/hub-services.js';

async function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(app: FastifyInstance, s: HubServices): void {
  app.get('/health/live', { schema: { summary: 'The process is up', tags: ['operations'] } }, async () => ({ status: 'ok' }));

  app.get('/health/ready', { schema: { summary: 'PostgreSQL and Redis answer', tags: ['operations'] } }, async (_req, reply) => {
    const checks: Record<string, { ok: boolean; error?: string }> = {};
    try {
      await within(2000, s.db.query('SELECT 1'));
      checks.postgres = { ok: true };
    } catch (e) {
      checks.postgres = { ok: false, error: (e as Error).message };
    }
    try {
      await within(2000, s.redis.ping());
      checks.redis = { ok: true };
    } catch (e) {
      checks.redis = { ok: false, error: (e as Error).message };
    }
    const ok = Object.values(checks).every((c) => c.ok);
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not ready', checks, database: s.db.kind });
  });

  app.get('/metrics', { schema: { summary: 'Prometheus metrics', tags: ['operations'] } }, async (_req, reply) => {
    const text = await s.metrics.registry.metrics();
    return reply.header('content-type', s.metrics.registry.contentType).send(text);
  });
}
