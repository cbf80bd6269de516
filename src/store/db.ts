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

export interface TxOptions {
  /**
   * A transaction-scoped advisory lock (see `advisoryKey`) taken in the same
   * round trip as BEGIN, before `fn` runs: transactions with the same key run
   * one after the other.
   */
  lock?: bigint;
}

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs fn in one transaction (READ COMMITTED); commits when it resolves, rolls back when it throws. */
  tx<T>(fn: (q: Queryable) => Promise<T>, opts?: TxOptions): Promise<T>;
  close(): Promise<void>;
}

/** The statement(s) that open a transaction: BEGIN, and the lock when there is one (a number, so no quoting). */
export function beginSql(opts?: TxOptions): string {
  return opts?.lock === undefined ? 'BEGIN' : `BEGIN; SELECT pg_advisory_xact_lock(${BigInt.asIntN(64, opts.lock).toString()})`;
}
