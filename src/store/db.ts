/**
 * The database contract of the hub: PostgreSQL through `pg`, or an embedded
 * PGlite when DATABASE_URL is unset. Repositories take a `Queryable` so the same
 * code runs inside or outside a transaction.
 */
import pg from 'pg';

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

/**
 * A state change with RETURNING id and fixed text, for the log's helpers that
 * append entries only when it changed a row. Named, it is sent as a prepared
 * statement; with `name` null it is planned on each run (a statement whose
 * best plan depends on its parameters and on the table's size).
 */
export interface GuardStatement {
  name: string | null;
  sql: string;
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
  /**
   * A statement without parameters run in the same round trip as BEGIN, after
   * the locks (so it sees whatever transactions that held them committed); its
   * rows are `fn`'s second argument. Values go into it as literals, written
   * with `sqlLiteral`. For a transaction's first read, saving a round trip.
   */
  first?: string;
  /**
   * The transaction finds its rows by key (a page of ids): its statements are
   * planned with sequential scans disabled (`SET LOCAL enable_seqscan = off`,
   * sent with BEGIN). Without fresh statistics (autovacuum off, or a table
   * grown since its last ANALYZE) PostgreSQL takes a growing table for a small
   * one and scans it whole for every page: hub bench, a fresh database, the
   * first ~50 page acknowledgements each read the whole deliveries table.
   */
  byKey?: boolean;
}

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs fn in one transaction (READ COMMITTED); commits when it resolves, rolls back when it throws. */
  tx<T>(fn: (q: Queryable, firstRows: Record<string, unknown>[]) => Promise<T>, opts?: TxOptions): Promise<T>;
  close(): Promise<void>;
}

/** The statement(s) that open a transaction: BEGIN, `byKey`'s setting, the locks when there are some (numbers, so no quoting), then `first`. */
export function beginSql(opts?: TxOptions): string {
  const keys = [...new Set((opts?.locks ?? []).map((k) => BigInt.asIntN(64, k)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return [
    'BEGIN',
    ...(opts?.byKey ? ['SET LOCAL enable_seqscan = off'] : []),
    ...keys.map((k) => `SELECT pg_advisory_xact_lock(${k.toString()})`),
    ...(opts?.first ? [opts.first] : []),
  ].join('; ');
}

/**
 * The rows `fn` gets as its second argument: those of the last statement
 * of {@link beginSql}'s text (which is `first`), given the results of all of
 * them in order; none when there is no `first`.
 */
export function firstRows(opts: TxOptions | undefined, results: readonly { rows: unknown[] }[]): Record<string, unknown>[] {
  return opts?.first ? ((results[results.length - 1]?.rows ?? []) as Record<string, unknown>[]) : [];
}

/**
 * A string as an SQL literal, for `TxOptions.first` (which cannot take
 * parameters): `E'…'` with quotes and backslashes escaped, read the same
 * whatever `standard_conforming_strings` says (pg's own escaping).
 */
export const sqlLiteral = (s: string): string => pg.escapeLiteral(s);

/** A bytea value as a Buffer: `pg` gives a Buffer, PGlite a Uint8Array (the same memory, not copied). */
export const byteaBuffer = (u: Uint8Array | null | undefined): Buffer | null => (u ? Buffer.from(u.buffer, u.byteOffset, u.byteLength) : null);
