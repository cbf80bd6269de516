/**
 * The exchange use cases' dependencies for a hub configuration: its key and
 * certificate from the certs folder, the signature checker over the trust
 * store, a cache of just-accepted bytes, and the given database, log, queue
 * and metrics.
 */
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { HubConfig } from '../config/config.js';
import type { Db } from '../store/db.js';
import type { TrustStore } from '../pki/trust-store.js';
import { devPkiLayout } from '../pki/dev-pki-layout.js';
import { loadHubSigner } from '../pki/receipts/hub-signer.js';
import type { DeliveryScheduler, ExchangeDeps, ExchangeMetrics } from '../exchange/exchange-deps.js';
import { createSignatureChecker } from './signature-checker.js';
import { createAgencyCache } from '../directory/agency-cache.js';
import { createRecentBodies } from '../exchange/recent-bodies.js';

/** Pull recipients fetch most documents within seconds; an inbox left longer is read from the database. */
const RECENT_BODIES_MAX_AGE_MS = 5 * 60 * 1000;

export function createExchangeDeps(
  config: HubConfig,
  parts: { db: Db; log: Logger; trust: TrustStore; scheduler: DeliveryScheduler; metrics: ExchangeMetrics },
): ExchangeDeps {
  const layout = devPkiLayout(config.certsDir);
  return {
    config,
    hubSigner: loadHubSigner(config.certsDir),
    hubSigningKeyPem: readFileSync(layout.signingKey, 'utf8'),
    db: parts.db,
    agencies: createAgencyCache(parts.db),
    log: parts.log,
    signatures: createSignatureChecker(parts.trust, readFileSync(layout.signingCert, 'utf8')),
    scheduler: parts.scheduler,
    metrics: parts.metrics,
    recentBodies: createRecentBodies({ maxBytes: config.recentBodiesBytes, maxAgeMs: RECENT_BODIES_MAX_AGE_MS }),
  };
}
