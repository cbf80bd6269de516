/**
 * A real hub for integration tests: its own PostgreSQL database, its own BullMQ
 * key prefix on the local Redis, the shared test certificates, HTTPS on a free
 * port. `request()` calls it over mutual TLS as an agency or auditor.
 */
import https from 'node:https';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { loadConfig, type HubConfig } from '../../src/config/config.js';
import { createHub, type Hub } from '../../src/hub/create-hub.js';
import { getAgencies, upsertAgency } from '../../src/store/agency-repo.js';
import { agencyWithDefaults, type Agency } from '../../src/directory/agency.js';
import { createTestDatabase, type TestDatabase } from './test-db.js';
import { dropQueueKeys } from './drop-queue-keys.js';
import { ensureTestCerts, testLayout } from './test-certs.js';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  json<T = Record<string, unknown>>(): T;
}

export interface TestHub {
  hub: Hub;
  config: HubConfig;
  url: string;
  tdb: TestDatabase;
  prefix: string;
  /** Calls the hub over HTTPS presenting the certificate of an agency (OrganId), an auditor (`auditor:NAME`) or none (null). */
  request(as: string | null, method: string, path: string, body?: Buffer | string | object, headers?: Record<string, string>): Promise<HttpAnswer>;
  setAgency(organId: string, change: Partial<Agency>): Promise<void>;
  close(): Promise<void>;
}

export function tlsOf(as: string | null): { cert?: string; key?: string; ca: string } {
  const l = testLayout();
  const ca = readFileSync(l.caCert, 'utf8');
  if (as === null) return { ca };
  if (as.startsWith('auditor:')) {
    const name = as.slice('auditor:'.length);
    return { ca, cert: readFileSync(l.auditorCert(name), 'utf8'), key: readFileSync(l.auditorKey(name), 'utf8') };
  }
  return { ca, cert: readFileSync(l.agencyCert(as), 'utf8'), key: readFileSync(l.agencyKey(as), 'utf8') };
}

export function httpsRequest(
  url: string,
  tls: { cert?: string; key?: string; ca: string },
  method: string,
  body?: Buffer | string | object,
  headers: Record<string, string> = {},
): Promise<HttpAnswer> {
  let payload: Buffer | undefined;
  const h: Record<string, string> = { ...headers };
  if (Buffer.isBuffer(body)) {
    payload = body;
    h['content-type'] ??= 'application/xml';
  } else if (typeof body === 'string') {
    payload = Buffer.from(body);
    h['content-type'] ??= 'application/xml';
  } else if (body !== undefined) {
    payload = Buffer.from(JSON.stringify(body));
    h['content-type'] ??= 'application/json';
  }
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, ...tls, headers: h, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const b = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: b,
          json: <T>() => JSON.parse(b.toString('utf8')) as T,
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export async function startTestHub(env: Record<string, string> = {}): Promise<TestHub> {
  const certsDir = await ensureTestCerts();
  const tdb = await createTestDatabase();
  const prefix = `edoc-test-${randomBytes(4).toString('hex')}`;
  const config = loadConfig({
    DATABASE_URL: tdb.url,
    EDOC_CERTS_DIR: certsDir,
    EDOC_HOME: process.cwd(),
    EDOC_PORT: '0',
    EDOC_QUEUE_PREFIX: prefix,
    EDOC_PUSH_ATTEMPTS: '4',
    EDOC_PUSH_BACKOFF_MS: '100',
    EDOC_PUSH_TIMEOUT_MS: '2000',
    EDOC_CHECKPOINT_INTERVAL_MS: '1000',
    EDOC_RECONCILE_INTERVAL_MS: '300',
    EDOC_RECONCILE_GRACE_MS: '1000',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
  const hub = await createHub(config, { log: pino({ level: config.logLevel }) });
  const url = (await hub.start())!;
  return {
    hub,
    config,
    url,
    tdb,
    prefix,
    request: (as, method, path, body, headers) => httpsRequest(`${url}${path}`, tlsOf(as), method, body, headers),
    async setAgency(organId, change) {
      const existing = (await getAgencies(tdb.db, [organId])).get(organId);
      await upsertAgency(tdb.db, agencyWithDefaults({ name: organId, ...existing, ...change, organId }));
      hub.services.callers.invalidate();
      hub.services.exchange.agencies.invalidate();
    },
    async close() {
      await hub.close();
      await dropQueueKeys(prefix, config.redisUrl);
      await tdb.drop();
    },
  };
}
