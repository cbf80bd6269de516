/**
 * One forward-only schema change. Migrations are TypeScript modules (not .sql
 * files) because `tsc` copies only .ts output into `dist/`.
 */
export interface Migration {
  /** `NNN-name`, e.g. `001-audit`; applied in the order of the list, recorded in `schema_migrations`. */
  readonly id: string;
  /** One or more SQL statements, run in one transaction (so no `CREATE INDEX CONCURRENTLY`). */
  readonly sql: string;
}
