/**
 * Streams the chain out of the database in seq order (keyset batches, so it
 * works the same on PostgreSQL and PGlite and never holds a long transaction).
 */
import type { Queryable } from '../store/db.js';
import type { AuditCheckpoint, ChainEntry } from './audit-record.js';
import { recordFromStoredRow } from './record-from-row.js';
import { STORED_RECORD_COLUMNS, type StoredRecordRow } from './sql-fragments.js';

export interface ReadChainRange {
  /** First seq (inclusive); default 1. */
  fromSeq?: string;
  /** Last seq (inclusive); default the head. */
  toSeq?: string;
  /** Rows per query; default 2,000 (measured: a batch that size is garbage before the young generation fills; larger ones cost the garbage collector more than their saved round trips). */
  batchSize?: number;
}

/** A chain row joined with its event; the event columns are null when the event row is missing. */
type ChainRow = { seq: string; prev_hash: string; hash: string } & (StoredRecordRow | { [K in keyof StoredRecordRow]: null });

const PREFETCH = 2;

/**
 * The entries with seq in (after, last], as plain rows (measured: about twice
 * as fast end to end as one aggregated JSON text, whose building dominates in
 * PostgreSQL). A seq window rather than `ORDER BY … LIMIT`: seq is gap-free,
 * so a window holds as many rows as its width, and the plan stays an index
 * range scan whatever the table statistics say.
 */
async function fetchWindow(q: Queryable, after: bigint, last: bigint): Promise<ChainRow[]> {
  const r = await q.query<ChainRow>(
    `SELECT c.seq::text AS seq, c.prev_hash, c.hash, ${STORED_RECORD_COLUMNS}
     FROM audit_chain c LEFT JOIN audit_events e ON e.id = c.event_id
     WHERE c.seq > $1 AND c.seq <= $2 ORDER BY c.seq`,
    [after.toString(), last.toString()],
  );
  return r.rows;
}

/**
 * Yields every chain entry with its record, in seq order; the next window is
 * fetched while this one is hashed. When an event row is missing (a deleted
 * log row) the entry has neither record nor digest, which the verifier
 * reports as a failure at that seq; a missing chain row is simply absent.
 * An event holding what its record cannot show (a time below the millisecond,
 * a number beyond double precision) comes with `malformed` set.
 */
export async function* readChain(q: Queryable, range: ReadChainRange = {}): AsyncGenerator<ChainEntry> {
  const batch = BigInt(range.batchSize ?? 2_000);
  const head = await q.query<{ seq: string | null }>('SELECT max(seq)::text AS seq FROM audit_chain');
  const headSeq = BigInt(head.rows[0]?.seq ?? '0');
  const to = range.toSeq === undefined || BigInt(range.toSeq) > headSeq ? headSeq : BigInt(range.toSeq);
  let after = BigInt(range.fromSeq ?? '1') - 1n;
  // Two windows in flight: the database builds the next ones (on two pool connections) while this one is hashed.
  const ahead: Promise<ChainRow[]>[] = [];
  const fill = (): void => {
    while (ahead.length < PREFETCH && after < to) {
      const end = after + batch < to ? after + batch : to;
      const p = fetchWindow(q, after, end);
      // Consumed in order below; a failure surfaces there, not as an unhandled rejection.
      p.catch(() => undefined);
      ahead.push(p);
      after = end;
    }
  };
  fill();
  while (ahead.length > 0) {
    const rows = await ahead.shift()!;
    fill();
    for (const row of rows) {
      const entry: ChainEntry = { seq: row.seq, prevHash: row.prev_hash, hash: row.hash };
      if (row.event_id !== null) {
        const { record, malformed } = recordFromStoredRow(row.seq, row);
        entry.record = record;
        if (malformed !== null) entry.malformed = malformed;
      }
      yield entry;
    }
  }
}

/** Checkpoints with seq in [fromSeq, toSeq], ascending. */
export async function readCheckpoints(q: Queryable, range: { fromSeq?: string; toSeq?: string; limit?: number } = {}): Promise<AuditCheckpoint[]> {
  const r = await q.query<{ seq: string; hash: string; at: string; algorithm: string; signature: string; certificate_pem: string }>(
    `SELECT seq, hash, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, algorithm, signature, certificate_pem
     FROM audit_checkpoints WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT $3`,
    [range.fromSeq ?? '0', range.toSeq ?? '9223372036854775807', range.limit ?? null],
  );
  return r.rows.map((c) => ({
    seq: c.seq,
    hash: c.hash,
    at: c.at,
    algorithm: c.algorithm,
    signature: c.signature,
    certificatePem: c.certificate_pem,
  }));
}
