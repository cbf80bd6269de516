/**
 * Opens the hub's database — PostgreSQL when a URL is configured, otherwise an
 * embedded PGlite under `<dataDir>/pgdata` — and brings its schema up to date.
 *
 * Value conventions on both: `$1…` parameters; bigint (int8) and numeric come
 * back as **strings**; timestamptz as `Date`; json/jsonb parsed; text[] as arrays.
 * A statement starting with the line `-- prepared: <name>` is a named prepared
 * statement on PostgreSQL (planned once per connection): use it for hot,
 * fixed statements.
 */
import type { Logger } from 'pino';
import type { Db } from './db.js';
import type { Listenable } from './listenable.js';
import type { Migration } from './migrations/migration.js';
import { createPgDb } from './pg-db.js';
import { createPgliteDb } from './pglite-db.js';
import { migrate } from './migrate.js';
import { migrations as allMigrations } from './migrations/index.js';
import { HubError } from '../shared/hub-error.js';

export interface OpenDbOptions {
  /** `postgres://…`; null = embedded PGlite. */
  databaseUrl: string | null;
  /** Data folder for the embedded database (`<dataDir>/pgdata`); null = in memory (tests). */
  dataDir: string | null;
  log?: Logger;
  /** Pool size for PostgreSQL; default `EDOC_DB_POOL` or 10. */
  poolSize?: number;
  /** Migrations to apply; default: all of the hub's. Pass `[]` to skip. */
  migrations?: readonly Migration[];
}

function poolSizeFromEnv(): number {
  const raw = process.env.EDOC_DB_POOL;
  if (raw === undefined || raw === '') return 10;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new HubError('config.invalid', `EDOC_DB_POOL must be an integer >= 1, got "${raw}"`);
  }
  return n;
}

/**
 * `EDOC_DB_FLUSH_AFTER`: the hub sessions' `backend_flush_after` (default 256kB; `server` keeps
 * the server's own setting). PostgreSQL takes 0 (off) to 2MB; a number needs its unit here, as a
 * bare number would mean 8 kB blocks to PostgreSQL.
 */
export function flushAfterFromEnv(raw = process.env.EDOC_DB_FLUSH_AFTER): string | undefined {
  if (raw === undefined || raw === '') return '256kB';
  if (raw === 'server') return undefined;
  const m = /^(\d+)(kB|MB)$/.exec(raw);
  const kB = m ? Number(m[1]) * (m[2] === 'MB' ? 1024 : 1) : raw === '0' ? 0 : NaN;
  // PostgreSQL counts in 8 kB pages and would round 1–7 kB down to 0 (off) without a word.
  if (!(kB === 0 || (kB >= 8 && kB <= 2048))) {
    throw new HubError('config.invalid', `EDOC_DB_FLUSH_AFTER must be 0, a size from 8kB to 2MB (such as 256kB), or "server", got "${raw}"`);
  }
  return raw;
}

/** Opens the database and applies pending migrations. Call `close()` when done. */
export async function openDb(opts: OpenDbOptions): Promise<Db & Listenable> {
  let db: Db & Listenable;
  if (opts.databaseUrl) {
    const flushAfter = flushAfterFromEnv();
    db = createPgDb({
      url: opts.databaseUrl,
      poolSize: opts.poolSize ?? poolSizeFromEnv(),
      ...(flushAfter !== undefined ? { flushAfter } : {}),
      ...(opts.log ? { log: opts.log } : {}),
    });
  } else {
    db = await createPgliteDb({ dataDir: opts.dataDir });
  }
  try {
    await migrate(db, opts.migrations ?? allMigrations, opts.log);
  } catch (e) {
    await db.close();
    if (e instanceof HubError) throw e;
    throw new HubError('store.unavailable', `cannot open the database: ${(e as Error).message}`, {
      status: 503,
      retryable: true,
      cause: e,
    });
  }
  return db;
}
