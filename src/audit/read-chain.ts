/**
 * Streams the chain out of the database in seq order (keyset batches, so it
 * works the same on PostgreSQL and PGlite and never holds a long transaction).
 */
import type { Queryable } from '../store/db.js';
import type { AuditCheckpoint, ChainEntry } from './audit-record.js';
import { recordFromRow } from './record-from-row.js';
import { RECORD_JSON, rowFromJson, type RecordJson } from './sql-fragments.js';

export interface ReadChainRange {
  /** First seq (inclusive); default 1. */
  fromSeq?: string;
  /** Last seq (inclusive); default the head. */
  toSeq?: string;
  batchSize?: number;
}

type ChainJson = [string, string, string, RecordJson | null];

/** One batch as a single JSON text (see RECORD_JSON), plus its last seq for the next keyset step. */
async function fetchBatch(q: Queryable, after: string, to: string, batch: number): Promise<{ json: string | null; last: string | null }> {
  const r = await q.query<{ json: string | null; last: string | null }>(
    `SELECT json_agg(json_build_array(c.seq::text, c.prev_hash, c.hash,
              CASE WHEN e.id IS NULL THEN NULL ELSE ${RECORD_JSON} END) ORDER BY c.seq)::text AS json,
            max(c.seq)::text AS last
     FROM (SELECT * FROM audit_chain WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3) c
     LEFT JOIN audit_events e ON e.id = c.event_id`,
    [after, to, batch],
  );
  return r.rows[0] ?? { json: null, last: null };
}

/**
 * Yields every chain entry with its record, in seq order; the next batch is
 * fetched while this one is hashed. When an event row is missing (a deleted
 * log row) the entry has neither record nor digest, which the verifier
 * reports as a failure at that seq.
 */
export async function* readChain(q: Queryable, range: ReadChainRange = {}): AsyncGenerator<ChainEntry> {
  const batch = range.batchSize ?? 10_000;
  const to = range.toSeq ?? '9223372036854775807';
  let next = fetchBatch(q, (BigInt(range.fromSeq ?? '1') - 1n).toString(), to, batch);
  for (;;) {
    const { json, last } = await next;
    if (json === null || last === null) return;
    const rows = JSON.parse(json) as ChainJson[];
    const more = rows.length === batch;
    if (more) next = fetchBatch(q, last, to, batch);
    for (const [seq, prevHash, hash, rec] of rows) {
      const entry: ChainEntry = { seq, prevHash, hash };
      if (rec !== null) entry.record = recordFromRow(seq, rowFromJson(rec));
      yield entry;
    }
    if (!more) return;
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
