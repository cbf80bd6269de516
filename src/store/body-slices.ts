/**
 * Large message bodies are read from the database a slice at a time.
 *
 * `pg` takes a bytea as hex text: a 50 MB body arrives as one 100 MB string,
 * decoded in one go, and held the hub's event loop about a second (every other
 * request waited). A body above one slice is instead asked for in slices
 * (`substring`), one round trip each: the hub decodes a slice at a time and
 * serves other requests between them. Bodies never change once stored, so
 * slices read one after another make the same bytes; a body purged meanwhile
 * reads as purged.
 *
 * A body stored as it came (LZ4 does not shrink the base64 of random bytes,
 * which compressed PDFs and scans are close to, so PostgreSQL keeps it so)
 * gives each slice from its own TOAST chunks: 256 KiB slices of 50 MB took
 * 0.9 s in all against 2.3 s for the whole value. A
 * compressed body is decompressed from its start for every slice, so it is
 * read in fewer, larger slices.
 */
import { byteaBuffer, type Queryable } from './db.js';

/** Slices of a body stored as it came; a body up to this size is read whole. */
export const BODY_SLICE_BYTES = 256 * 1024;
/** Slices of a compressed body. */
export const COMPRESSED_BODY_SLICE_BYTES = 4 * 1024 * 1024;

/**
 * The select-list items for a body column: `bytes` (null when purged, or when
 * longer than one slice), `body_size` (null when purged) and whether it is stored compressed.
 */
export function bodyColumns(column: string): string {
  return (
    `CASE WHEN octet_length(${column}) <= ${BODY_SLICE_BYTES} THEN ${column} END AS bytes, ` +
    `octet_length(${column}) AS body_size, pg_column_compression(${column}) IS NOT NULL AS body_compressed`
  );
}

export interface BodyColumns {
  bytes: Uint8Array | null;
  body_size: number | null;
  body_compressed: boolean | null;
}

/** The whole body of a row read with {@link bodyColumns}: as it came, or read in slices; null when purged. */
export async function wholeBody(q: Queryable, messageId: string, row: BodyColumns): Promise<Buffer | null> {
  if (row.body_size === null) return null;
  return byteaBuffer(row.bytes) ?? readInSlices(q, messageId, row.body_size, row.body_compressed ? COMPRESSED_BODY_SLICE_BYTES : BODY_SLICE_BYTES);
}

async function readInSlices(q: Queryable, messageId: string, size: number, sliceBytes: number): Promise<Buffer | null> {
  const out = Buffer.allocUnsafe(size);
  for (let at = 0; at < size; at += sliceBytes) {
    const r = await q.query<{ part: Uint8Array | null }>(
      'SELECT substring(bytes FROM $2 FOR $3) AS part FROM message_bodies WHERE message_id = $1',
      [messageId, at + 1, sliceBytes],
    );
    const part = byteaBuffer(r.rows[0]?.part);
    if (!part) return null; // purged by retention while it was being read
    const expected = Math.min(sliceBytes, size - at);
    if (part.length !== expected) throw new Error(`the body of message ${messageId} changed while it was read (slice at ${at}: ${part.length} bytes, expected ${expected})`);
    part.copy(out, at);
  }
  return out;
}
