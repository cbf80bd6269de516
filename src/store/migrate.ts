/**
 * Forward-only schema migrations, recorded in `schema_migrations`. Each pending
 * migration runs in its own transaction under a transaction-scoped advisory
 * lock, so several processes starting at once apply each migration exactly once.
 */
import type { Logger } from 'pino';
import type { Db } from './db.js';
import type { Migration } from './migrations/migration.js';
import { HubError } from '../shared/hub-error.js';

/** Advisory lock key shared by every edoc-hub process ("edocmigr"). */
const MIGRATION_LOCK = 0x65646f636d696772n;
const ID_PATTERN = /^\d{3}-[a-z0-9-]+$/;

function checkList(migrations: readonly Migration[]): void {
  let prev = '';
  for (const m of migrations) {
    if (!ID_PATTERN.test(m.id)) {
      throw new HubError('store.migration_invalid', `migration id "${m.id}" is not NNN-name`, { status: 500 });
    }
    if (m.id <= prev) {
      throw new HubError('store.migration_invalid', `migration "${m.id}" is out of order after "${prev}"`, { status: 500 });
    }
    prev = m.id;
  }
}

/**
 * Applies the migrations not yet recorded, in list order. Returns the ids applied now.
 */
export async function migrate(db: Db, migrations: readonly Migration[], log?: Logger): Promise<string[]> {
  checkList(migrations);
  const applied: string[] = [];
  for (const m of migrations) {
    const done = await db.tx(async (q) => {
      // Two's-complement view of the key, as PostgreSQL's bigint expects.
      await q.query('SELECT pg_advisory_xact_lock($1)', [BigInt.asIntN(64, MIGRATION_LOCK).toString()]);
      await q.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const seen = await q.query('SELECT 1 FROM schema_migrations WHERE id = $1', [m.id]);
      if (seen.rowCount > 0) return false;
      try {
        await q.query(m.sql);
      } catch (e) {
        throw new HubError('store.migration_failed', `migration ${m.id} failed: ${(e as Error).message}`, {
          status: 500,
          cause: e,
        });
      }
      await q.query('INSERT INTO schema_migrations (id) VALUES ($1)', [m.id]);
      return true;
    });
    if (done) {
      applied.push(m.id);
      log?.info({ migration: m.id }, 'applied migration');
    }
  }
  return applied;
}
