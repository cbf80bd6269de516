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
   * Transaction-scoped advisory locks (see `advisoryKey`) taken in the same
   * round trip as BEGIN, in ascending order (so two transactions never wait
   * on each other in a cycle), before `fn` runs: transactions sharing a key
   * run one after the other.
   */
  locks?: readonly bigint[];
}

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs fn in one transaction (READ COMMITTED); commits when it resolves, rolls back when it throws. */
  tx<T>(fn: (q: Queryable) => Promise<T>, opts?: TxOptions): Promise<T>;
  close(): Promise<void>;
}

/** The statement(s) that open a transaction: BEGIN, and the locks when there are some (numbers, so no quoting). */
export function beginSql(opts?: TxOptions): string {
  const keys = [...new Set((opts?.locks ?? []).map((k) => BigInt.asIntN(64, k)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return ['BEGIN', ...keys.map((k) => `SELECT pg_advisory_xact_lock(${k.toString()})`)].join('; ');
}
