/**
 * `Db` over a `pg` connection pool (the production system of record).
 */
import pg from 'pg';
import type { Logger } from 'pino';
import { beginSql, firstRows, sqlLiteral, type Db, type Queryable, type QueryResult, type TxOptions } from './db.js';
import type { Listenable } from './listenable.js';

export interface PgDbOptions {
  url: string;
  /** Pool size; default 10. */
  poolSize?: number;
  /**
   * PostgreSQL's `backend_flush_after` for the pool's sessions (e.g. `256kB`);
   * unset leaves the server's setting. See {@link createPgDb}.
   */
  flushAfter?: string;
  log?: Logger;
}

function asResult<R>(r: pg.QueryResult): QueryResult<R> {
  return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
}

const PREPARED = /^-- prepared: ([A-Za-z0-9_.-]+)\n/;

/**
 * A statement whose text starts with `-- prepared: <name>` and a newline is
 * sent as a named prepared statement: parsed and planned once per connection
 * instead of on every call (measured: halves the cost of the audit append).
 * Use it only for hot statements whose text never varies; a name must always
 * carry the same text. Not for lookups whose best plan depends on a table's
 * size: after five runs PostgreSQL may keep a generic plan, and one made while
 * the table was small (a sequential scan) is kept until the next ANALYZE of it.
 * PGlite just sees a comment.
 */
function toQuery(sql: string, params?: unknown[]): pg.QueryConfig {
  const m = PREPARED.exec(sql);
  return m ? { name: m[1]!, text: sql, values: params ?? [] } : { text: sql, values: params ?? [] };
}

/** How long a pooled connection may stay unused before it is closed (docs/benchmarks.md, fifteenth session). */
const IDLE_CONNECTION_MS = 5 * 60_000;

/**
 * Opens a pool. Types come back with the `pg` defaults: bigint and numeric as
 * strings, timestamptz as `Date`, json/jsonb parsed.
 */
export function createPgDb(opts: PgDbOptions): Db & Listenable {
  // The data pages the hub's sessions write are handed to the disk as they go (PostgreSQL's
  // default leaves them in the OS cache until a checkpoint's fsync writes hundreds of MB at
  // once, and every commit's WAL flush waits behind that: docs/operations.md, "Processes and roles").
  // Set on each new connection before the pool hands it to anyone (`onConnect` is awaited; a
  // query sent from the 'connect' event ran beside the first query of whoever had asked for the
  // connection, which pg 8 warns about and pg 9 refuses). A refused value is logged, not fatal.
  const flushAfter = opts.flushAfter;
  const onConnect =
    flushAfter === undefined
      ? undefined
      : async (client: pg.ClientBase): Promise<void> => {
          try {
            await client.query(`SET backend_flush_after = ${sqlLiteral(flushAfter)}`);
          } catch (err) {
            opts.log?.warn({ err, flushAfter }, "could not set backend_flush_after; the server's setting stays");
          }
        };
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolSize ?? 10,
    // pg's default closes a connection after 10 s idle; the pool hands out its most recently
    // used one first, so under steady load the others go idle, close, and are opened again at
    // the next burst: a new server process each time, which loads its catalog caches and maps
    // the shared buffers afresh. The hub's pool is small and long-lived: keep its connections.
    idleTimeoutMillis: IDLE_CONNECTION_MS,
    ...(onConnect ? { onConnect } : {}),
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', (err) => opts.log?.warn({ err }, 'idle PostgreSQL client failed'));

  const db: Db & Listenable = {
    kind: 'postgres',
    async query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
      return asResult<R>(await pool.query(toQuery(sql, params)));
    },
    async tx<T>(fn: (q: Queryable, firstRows: Record<string, unknown>[]) => Promise<T>, opts?: TxOptions): Promise<T> {
      const client = await pool.connect();
      const q: Queryable = {
        async query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
          return asResult<R>(await client.query(toQuery(sql, params)));
        },
      };
      try {
        // Parameterless, so the simple protocol sends BEGIN, the locks and `first` together.
        // One statement gives one result, several an array of them.
        const begun: pg.QueryResult | pg.QueryResult[] = await client.query(beginSql(opts));
        const out = await fn(q, firstRows(opts, Array.isArray(begun) ? begun : [begun]));
        await client.query('COMMIT');
        client.release();
        return out;
      } catch (e) {
        try {
          await client.query('ROLLBACK');
          client.release();
        } catch (rollbackErr) {
          // A broken connection goes out of the pool instead of back into it.
          client.release(rollbackErr instanceof Error ? rollbackErr : true);
        }
        throw e;
      }
    },
    async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
      const client = await pool.connect();
      const handler = (m: pg.Notification): void => {
        if (m.channel === channel) onNotify(m.payload ?? '');
      };
      client.on('notification', handler);
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      return async () => {
        client.off('notification', handler);
        try {
          await client.query(`UNLISTEN ${pg.escapeIdentifier(channel)}`);
          client.release();
        } catch (err) {
          client.release(err instanceof Error ? err : true);
        }
      };
    },
    async close(): Promise<void> {
      await pool.end();
    },
  };
  return db;
}
