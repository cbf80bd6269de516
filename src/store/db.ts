/**
 * The database contract of the hub: PostgreSQL through `pg`, or an embedded
 * PGlite when DATABASE_URL is unset. Repositories take a `Queryable` so the same
 * code runs inside or outside a transaction.
 */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<R>>;
}

/**
 * Further writes (CTEs) to run in the same statement as a repository's insert,
 * so they commit with it without another round trip — e.g. the log entries of
 * that change. `sql(n)` is the CTE list with its parameters numbered from `$n`;
 * `name` tells the prepared statement with them from the one without.
 */
export interface MoreWrites {
  name: string;
  sql(firstParam: number): string;
  params: unknown[];
}

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs fn in one transaction (READ COMMITTED); commits when it resolves, rolls back when it throws. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
