/**
 * One typed, validated, frozen configuration object, read from the environment
 * (and overrides from the CLI). Every setting has a working default so that
 * `npx edoc-hub start` runs on a fresh machine with nothing but Redis.
 */
import path from 'node:path';
import { HubError } from '../shared/hub-error.js';

export type Role = 'all' | 'api' | 'worker';

export interface DeadlineRule {
  /** Priority values (OtherInfo/Priority 0–4) this rule applies to. */
  priorities: number[];
  /** Receipt must be registered (03, or a refusal 02; a later 04–06 implies it) within this many working hours; 0 = same working day. */
  receiptHours: number;
}

export interface HubConfig {
  role: Role;
  /** The id the hub writes as From in the status messages it generates itself (not an agency). */
  hubOrganId: string;
  host: string;
  port: number;
  /** Public base URL of the hub, used in generated links. */
  publicUrl: string;
  /** Folder for the embedded database and other local state. */
  dataDir: string;
  /** PostgreSQL URL; when absent an embedded PGlite database under dataDir serves. */
  databaseUrl: string | null;
  redisUrl: string;
  /** BullMQ key prefix, so several hubs (or test runs) share one Redis safely. */
  queuePrefix: string;
  certsDir: string;
  /** Folder of trusted CA certificates (PEM) for agency certificates. */
  trustDir: string;
  /** Folder of CRLs (PEM or DER), re-read when it changes. */
  crlDir: string;
  /** Agency directory file (JSON or YAML) loaded at start when the database has none; null = the bundled demo directory. */
  directoryFile: string | null;
  /** Largest accepted edXML message in bytes. */
  maxMessageBytes: number;
  /** Deepest element nesting accepted in an edXML message. */
  maxXmlDepth: number;
  /** Memory for the bytes of just-accepted messages, served to inbox pages without a database read; 0 = off. */
  recentBodiesBytes: number;
  delivery: {
    /** Push attempts before a delivery is undeliverable. */
    attempts: number;
    /** First retry delay; doubles each attempt (with jitter). */
    backoffMs: number;
    /** Timeout of one push request. */
    pushTimeoutMs: number;
    /** Concurrent push deliveries per worker process. */
    concurrency: number;
    /** How often the reconciler rebuilds missing push jobs from the database. */
    reconcileIntervalMs: number;
    /** Deliveries younger than this are left to the normal enqueue path. */
    reconcileGraceMs: number;
    /** A push job whose worker stops renewing its lock this long (a crash) is run again. */
    jobLockMs: number;
  };
  /** Decision 28 deadlines: working hours and rules per priority. */
  deadlines: {
    timeZone: string;
    workdayStart: string;
    workdayEnd: string;
    /** ISO weekday numbers that are working days (1 = Monday). */
    workingDays: number[];
    rules: DeadlineRule[];
  };
  audit: {
    /** Sign a checkpoint of the chain head at least this often (ms)… */
    checkpointIntervalMs: number;
    /** …and after this many new entries. */
    checkpointEveryEntries: number;
  };
  /** Purge document bytes older than this many days; null = keep forever. */
  retentionDays: number | null;
  logLevel: string;
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, def: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    throw new HubError('config.invalid', `${name} must be an integer >= ${min}, got "${raw}"`);
  }
  return n;
}

function str(env: Env, name: string, def: string): string {
  const raw = env[name];
  return raw === undefined || raw === '' ? def : raw;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/** Build the configuration from environment variables and explicit overrides. */
export function loadConfig(env: Env = process.env, overrides: Partial<HubConfig> = {}): HubConfig {
  const root = path.resolve(str(env, 'EDOC_HOME', process.cwd()));
  const certsDir = path.resolve(root, str(env, 'EDOC_CERTS_DIR', 'certs-dev'));
  const role = str(env, 'EDOC_ROLE', 'all');
  if (role !== 'all' && role !== 'api' && role !== 'worker') {
    throw new HubError('config.invalid', `EDOC_ROLE must be all, api or worker, got "${role}"`);
  }
  const port = int(env, 'EDOC_PORT', 8443, 0);
  const host = str(env, 'EDOC_HOST', '127.0.0.1');
  const retention = env.EDOC_RETENTION_DAYS;
  const cfg: HubConfig = {
    role,
    hubOrganId: str(env, 'EDOC_HUB_ORGAN_ID', 'edoc-hub'),
    host,
    port,
    publicUrl: str(env, 'EDOC_PUBLIC_URL', `https://${host}:${port}`),
    dataDir: path.resolve(root, str(env, 'EDOC_DATA_DIR', 'var')),
    databaseUrl: env.DATABASE_URL ? env.DATABASE_URL : null,
    redisUrl: str(env, 'REDIS_URL', 'redis://127.0.0.1:6379'),
    queuePrefix: str(env, 'EDOC_QUEUE_PREFIX', 'edoc'),
    certsDir,
    trustDir: path.resolve(root, str(env, 'EDOC_TRUST_DIR', path.join(certsDir, 'trust'))),
    crlDir: path.resolve(root, str(env, 'EDOC_CRL_DIR', path.join(certsDir, 'crl'))),
    directoryFile: env.EDOC_DIRECTORY_FILE ? path.resolve(root, env.EDOC_DIRECTORY_FILE) : null,
    maxMessageBytes: int(env, 'EDOC_MAX_MESSAGE_BYTES', 50 * 1024 * 1024, 1024),
    maxXmlDepth: int(env, 'EDOC_MAX_XML_DEPTH', 64, 8),
    recentBodiesBytes: int(env, 'EDOC_RECENT_BODIES_MB', 64, 0) * 1024 * 1024,
    delivery: {
      attempts: int(env, 'EDOC_PUSH_ATTEMPTS', 8, 1),
      backoffMs: int(env, 'EDOC_PUSH_BACKOFF_MS', 5_000, 1),
      pushTimeoutMs: int(env, 'EDOC_PUSH_TIMEOUT_MS', 30_000, 100),
      concurrency: int(env, 'EDOC_PUSH_CONCURRENCY', 16, 1),
      reconcileIntervalMs: int(env, 'EDOC_RECONCILE_INTERVAL_MS', 15_000, 50),
      reconcileGraceMs: int(env, 'EDOC_RECONCILE_GRACE_MS', 5_000, 0),
      jobLockMs: int(env, 'EDOC_JOB_LOCK_MS', 30_000, 500),
    },
    deadlines: {
      timeZone: str(env, 'EDOC_TIME_ZONE', 'Asia/Ho_Chi_Minh'),
      workdayStart: str(env, 'EDOC_WORKDAY_START', '07:30'),
      workdayEnd: str(env, 'EDOC_WORKDAY_END', '17:00'),
      workingDays: [1, 2, 3, 4, 5],
      rules: [
        // Priority 0 (normal): receipt registered the same working day.
        { priorities: [0], receiptHours: 0 },
        // 1 urgent, 2 very urgent ("thượng khẩn"), 3 express ("hỏa tốc"), 4 express with timer.
        { priorities: [1], receiptHours: 4 },
        { priorities: [2], receiptHours: 2 },
        { priorities: [3, 4], receiptHours: 1 },
      ],
    },
    audit: {
      checkpointIntervalMs: int(env, 'EDOC_CHECKPOINT_INTERVAL_MS', 60_000, 10),
      checkpointEveryEntries: int(env, 'EDOC_CHECKPOINT_EVERY', 10_000, 1),
    },
    retentionDays: retention === undefined || retention === '' ? null : int(env, 'EDOC_RETENTION_DAYS', 0, 1),
    logLevel: str(env, 'LOG_LEVEL', 'info'),
    ...overrides,
  };
  return deepFreeze(cfg);
}
