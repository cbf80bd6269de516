/**
 * `Db` over an embedded PGlite (PostgreSQL in WebAssembly), so the hub starts
 * with nothing but Redis. One connection: transactions and plain queries are
 * serialised by an in-process mutex. Do not call `db.tx()` or `db.query()`
 * from inside a `tx()` callback — use the `q` it gives you (it would deadlock).
 */
import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import { PGlite, types } from '@electric-sql/pglite';
import { beginSql, firstRows, type Db, type Queryable, type QueryResult, type TxOptions } from './db.js';
import type { Listenable } from './listenable.js';
import { createAsyncMutex } from './async-mutex.js';

export interface PgliteDbOptions {
  /** The hub's data folder; the database lives in `<dataDir>/pgdata`. Null = in memory (tests). */
  dataDir: string | null;
}

// Same conventions as `pg`: int8 and numeric as strings (no silent precision loss).
const parsers = {
  [types.INT8]: (v: string) => v,
  [types.NUMERIC]: (v: string) => v,
};

async function run<R>(pglite: PGlite, sql: string, params?: unknown[]): Promise<QueryResult<R>> {
  if (params === undefined || params.length === 0) {
    // The simple protocol accepts several statements (migrations), as `pg` does.
    const results = await pglite.exec(sql);
    const last = results[results.length - 1];
    return { rows: (last?.rows ?? []) as R[], rowCount: last?.rowCount ?? last?.affectedRows ?? last?.rows.length ?? 0 };
  }
  const r = await pglite.query<R>(sql, params);
  return { rows: r.rows, rowCount: r.rowCount ?? r.affectedRows ?? r.rows.length };
}

/** Opens (creating when needed) the embedded database. */
export async function createPgliteDb(opts: PgliteDbOptions): Promise<Db & Listenable> {
  let dir: string | undefined;
  if (opts.dataDir !== null) {
    dir = path.join(opts.dataDir, 'pgdata');
    await mkdir(dir, { recursive: true });
  }
  const pglite = await PGlite.create(dir, { parsers });
  const mutex = createAsyncMutex();
  const inner: Queryable = {
    query: <R = Record<string, unknown>>(sql: string, params?: unknown[]) => run<R>(pglite, sql, params),
  };

  return {
    kind: 'pglite',
    query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
      return mutex.run(() => run<R>(pglite, sql, params));
    },
    tx<T>(fn: (q: Queryable, firstRows: Record<string, unknown>[]) => Promise<T>, opts?: TxOptions): Promise<T> {
      return mutex.run(async () => {
        try {
          const out = await fn(inner, firstRows(opts, await pglite.exec(beginSql(opts))));
          await pglite.exec('COMMIT');
          return out;
        } catch (e) {
          await pglite.exec('ROLLBACK');
          throw e;
        }
      });
    },
    async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
      const unlisten = await mutex.run(() => pglite.listen(channel, onNotify));
      return () => mutex.run(() => unlisten());
    },
    async close(): Promise<void> {
      await mutex.run(() => pglite.close());
    },
  };
}
