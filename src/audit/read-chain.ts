/**
 * Streams the chain out of the database in seq order (keyset batches, so it
 * works the same on PostgreSQL and PGlite and never holds a long transaction).
 */
import type { Queryable } from '../store/db.js';
import type { AuditCheckpoint, ChainEntry } from './audit-record.js';
import { recordFromRow } from './record-from-row.js';
import { RECORD_COLUMNS, type RecordRow } from './sql-fragments.js';

interface ChainRow extends Omit<RecordRow, 'event_id'> {
  seq: string;
  prev_hash: string;
  hash: string;
  chained_event_id: string;
  event_id: string | null;
}

export interface ReadChainRange {
  /** First seq (inclusive); default 1. */
  fromSeq?: string;
  /** Last seq (inclusive); default the head. */
  toSeq?: string;
  batchSize?: number;
}

/**
 * Yields every chain entry with its record. When an event row is missing (a
 * deleted log row) the entry has neither record nor digest, which the verifier
 * reports as a failure at that seq.
 */
export async function* readChain(q: Queryable, range: ReadChainRange = {}): AsyncGenerator<ChainEntry> {
  const batch = range.batchSize ?? 10_000;
  let after = (BigInt(range.fromSeq ?? '1') - 1n).toString();
  const to = range.toSeq ?? '9223372036854775807';
  for (;;) {
    const r = await q.query<ChainRow>(
      `SELECT c.seq, c.prev_hash, c.hash, c.event_id AS chained_event_id, ${RECORD_COLUMNS}
       FROM audit_chain c LEFT JOIN audit_events e ON e.id = c.event_id
       WHERE c.seq > $1 AND c.seq <= $2 ORDER BY c.seq LIMIT $3`,
      [after, to, batch],
    );
    for (const row of r.rows) {
      const entry: ChainEntry = { seq: row.seq, prevHash: row.prev_hash, hash: row.hash };
      if (row.event_id !== null) entry.record = recordFromRow(row.seq, row as RecordRow);
      yield entry;
    }
    if (r.rows.length < batch) return;
    after = r.rows[r.rows.length - 1]!.seq;
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
