/**
 * Assembles one hub process — the only place where everything meets:
 * database (migrated), directory (imported on first start), trust store,
 * signature checking, queue, HTTP app (role api/all) and the workers
 * (role worker/all: push delivery, reconciler, audit sealer).
 */
import { readFileSync } from 'node:fs';
import { pino, type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { Worker } from 'bullmq';
import type { HubConfig } from '../config/config.js';
import { openDb } from '../store/open-db.js';
import { countAgencies, importDirectory } from '../store/agency-repo.js';
import { loadDirectoryFile } from '../directory/load-directory-file.js';
import type { DirectoryFile } from '../directory/agency.js';
import { createTrustStore } from '../pki/trust-store.js';
import { devPkiLayout } from '../pki/dev-pki-layout.js';
import { checkRedis, producerConnection, workerConnection } from '../queue/redis-connection.js';
import { createPushQueue } from '../queue/push-queue.js';
import { createPushClient } from '../delivery/push-client.js';
import { createPushWorker } from '../delivery/push-worker.js';
import { createReconciler, type Reconciler } from '../delivery/reconciler.js';
import { createAuditSealer, type AuditSealer } from '../audit/sealer.js';
import { createHubMetrics } from '../observability/hub-metrics.js';
import { createCallerResolver } from '../http/authenticate.js';
import { buildApp } from '../http/build-app.js';
import type { HubServices } from './hub-services.js';
import { createExchangeDeps } from './create-exchange-deps.js';
import { createTrustLoadRecorder } from './record-trust-loads.js';
import { notifySender, repairSenderNotices } from '../exchange/notify-sender.js';
import { purgeExpiredDocuments } from '../exchange/purge-expired.js';

export interface Hub {
  services: HubServices;
  app: FastifyInstance | null;
  /** Starts listening (api) and the background work (worker). Resolves with the bound URL. */
  start(): Promise<string | null>;
  /** Graceful stop: no new requests, in-flight ones and running jobs finish, then connections close. */
  close(): Promise<void>;
}

export interface CreateHubOptions {
  log?: Logger;
  /** The directory file, when the caller has read it already (imported into an empty database). */
  directory?: DirectoryFile;
}

export async function createHub(config: HubConfig, opts: CreateHubOptions = {}): Promise<Hub> {
  const log = opts.log ?? pino({ level: config.logLevel, base: { service: 'edoc-hub', role: config.role } });
  await checkRedis(config.redisUrl);
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, log });
  if ((await countAgencies(db)) === 0) {
    const dir = opts.directory ?? (await loadDirectoryFile(config.directoryFile ?? undefined));
    await db.tx((q) => importDirectory(q, dir));
    log.info({ agencies: dir.agencies.length, file: config.directoryFile ?? 'bundled demo directory' }, 'agency directory imported');
  }
  const layout = devPkiLayout(config.certsDir);
  const trustLoads = createTrustLoadRecorder(db, log);
  const trust = createTrustStore({ trustDir: config.trustDir, crlDir: config.crlDir, onLoad: trustLoads.onLoad });
  const metrics = createHubMetrics();
  const redis = producerConnection(config.redisUrl);
  redis.on('error', (err) => log.debug({ err: err.message }, 'redis producer connection error'));
  const pushQueue = createPushQueue({ connection: redis, prefix: config.queuePrefix, attempts: config.delivery.attempts, backoffMs: config.delivery.backoffMs, log });
  metrics.setQueueDepthSource(() => pushQueue.counts());

  const exchange = createExchangeDeps(config, { db, log, trust, scheduler: pushQueue, metrics });
  const hubSigner = exchange.hubSigner;
  const services: HubServices = { config, log, db, exchange, trust, callers: createCallerResolver(db, trust), metrics, pushQueue, redis };

  const runsApi = config.role !== 'worker';
  const runsWorker = config.role !== 'api';
  const app = runsApi
    ? await buildApp(services, {
        key: readFileSync(layout.serverKey, 'utf8'),
        cert: readFileSync(layout.serverCert, 'utf8'),
        ca: trust.anchors().map((c) => c.toString()),
      })
    : null;

  let worker: Worker | null = null;
  let reconciler: Reconciler | null = null;
  let sealer: AuditSealer | null = null;
  let workerRedis: ReturnType<typeof workerConnection> | null = null;
  let retentionTimer: NodeJS.Timeout | null = null;
  const pushClient = createPushClient({
    cert: readFileSync(layout.clientCert, 'utf8'),
    key: readFileSync(layout.clientKey, 'utf8'),
    ca: trust.anchors().map((c) => c.toString()),
  });

  return {
    services,
    app,
    async start() {
      let url: string | null = null;
      if (runsWorker) {
        workerRedis = workerConnection(config.redisUrl);
        workerRedis.on('error', (err) => log.debug({ err: err.message }, 'redis worker connection error'));
        worker = createPushWorker({
          db,
          client: pushClient,
          log,
          maxAttempts: config.delivery.attempts,
          timeoutMs: config.delivery.pushTimeoutMs,
          connection: workerRedis,
          prefix: config.queuePrefix,
          concurrency: config.delivery.concurrency,
          lockMs: config.delivery.jobLockMs,
          onUndeliverable: async (d) => {
            await notifySender(exchange, d);
          },
          onOutcome: (o) => metrics.pushOutcome(o),
        });
        reconciler = createReconciler({
          db,
          queue: pushQueue,
          log,
          graceMs: config.delivery.reconcileGraceMs,
          stuckMs: config.delivery.pushTimeoutMs * 2,
          intervalMs: config.delivery.reconcileIntervalMs,
          repair: () => repairSenderNotices(exchange, config.delivery.reconcileGraceMs),
        });
        reconciler.start();
        sealer = createAuditSealer({
          db,
          signer: hubSigner,
          log,
          checkpointIntervalMs: config.audit.checkpointIntervalMs,
          checkpointEveryEntries: config.audit.checkpointEveryEntries,
        });
        sealer.start();
        const days = config.retentionDays;
        if (days !== null) {
          const purge = (): void => {
            purgeExpiredDocuments(db, days).then(
              (n) => n > 0 && log.info({ purged: n, retentionDays: days }, 'retention: document bytes purged'),
              (err: unknown) => log.warn({ err }, 'retention purge failed; will try again'),
            );
          };
          purge();
          retentionTimer = setInterval(purge, 3_600_000);
          retentionTimer.unref();
        }
      }
      if (app) {
        url = await app.listen({ host: config.host, port: config.port });
        log.info({ url, docs: `${url}/docs`, database: db.kind }, 'edoc-hub is listening');
      }
      return url;
    },
    async close() {
      if (retentionTimer) clearInterval(retentionTimer);
      if (app) await app.close();
      if (worker) await (worker as Worker).close();
      if (reconciler) await (reconciler as Reconciler).stop();
      await trustLoads.settled();
      if (sealer) await (sealer as AuditSealer).stop();
      await pushQueue.close();
      pushClient.close();
      redis.disconnect();
      (workerRedis as ReturnType<typeof workerConnection> | null)?.disconnect();
      await db.close();
    },
  };
}
