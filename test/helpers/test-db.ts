/**
 * A fresh, migrated PostgreSQL database per test file on the local server.
 * Use: `const tdb = await createTestDatabase(); t.teardown(tdb.drop);`
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Db } from '../../src/store/db.js';
import type { Listenable } from '../../src/store/listenable.js';
import { openDb } from '../../src/store/open-db.js';

/** The maintenance database used to create and drop test databases. */
export const ADMIN_URL = process.env.EDOC_TEST_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  name: string;
  db: Db & Listenable;
  /** Closes the pool and drops the database (idempotent). */
  drop(): Promise<void>;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Creates `edoc_test_<random>`, runs all migrations, returns it open. */
export async function createTestDatabase(opts: { poolSize?: number; migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = `edoc_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const db = await openDb({
    databaseUrl: url.toString(),
    dataDir: '/nonexistent',
    poolSize: opts.poolSize ?? 5,
    ...(opts.migrate === false ? { migrations: [] } : {}),
  });
  let dropped = false;
  return {
    url: url.toString(),
    name,
    db,
    async drop() {
      if (dropped) return;
      dropped = true;
      await db.close().catch(() => undefined);
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
