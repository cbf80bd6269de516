/**
 * The services of one hub process, assembled once (src/hub/create-hub.ts) and
 * shared by the HTTP routes, the workers and the CLI.
 */
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import type { HubConfig } from '../config/config.js';
import type { Db } from '../store/db.js';
import type { ExchangeDeps } from '../exchange/exchange-deps.js';
import type { PushQueue } from '../queue/push-queue.js';
import type { TrustStore } from '../pki/trust-store.js';
import type { CallerResolver } from '../http/authenticate.js';
import type { HubMetrics } from '../observability/hub-metrics.js';

export interface HubServices {
  config: HubConfig;
  log: Logger;
  db: Db;
  exchange: ExchangeDeps;
  trust: TrustStore;
  callers: CallerResolver;
  metrics: HubMetrics;
  pushQueue: PushQueue;
  /** Producer connection (fails fast when Redis is down). */
  redis: Redis;
}
