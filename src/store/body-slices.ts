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
 *
 * A body being sent is read as the socket takes it (`storedBody`): one slice
 * ahead at most, so a large download or push never holds the whole document in
 * the hub's memory.
 */
import { bufferParts, type PartedBytes } from '../shared/bytes-body.js';
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

/** A body purged by retention while its slices were being read: it is gone, not half there. */
export class BodyPurgedError extends Error {
  override name = 'BodyPurgedError';
  constructor(readonly messageId: string) {
    super(`the body of message ${messageId} was purged while it was read`);
  }
}

/**
 * A stored body, to be sent or read: its size, the bytes when the row carried
 * them, and its parts of at most 64 KiB, read from the database a slice at a
 * time as they are wanted (so a large body being sent is never whole in the
 * hub's memory). Reading the parts throws {@link BodyPurgedError} when the body
 * is purged meanwhile. Null when the body was purged before.
 */
export function storedBody(q: Queryable, messageId: string, row: BodyColumns): PartedBytes | null {
  if (row.body_size === null) return null;
  const size = row.body_size;
  const whole = byteaBuffer(row.bytes);
  const sliceBytes = row.body_compressed ? COMPRESSED_BODY_SLICE_BYTES : BODY_SLICE_BYTES;
  return {
    size,
    whole,
    async *parts() {
      if (whole) {
        yield* bufferParts(whole);
        return;
      }
      for (let at = 0; at < size; at += sliceBytes) {
        const r = await q.query<{ part: Uint8Array | null }>(
          'SELECT substring(bytes FROM $2 FOR $3) AS part FROM message_bodies WHERE message_id = $1',
          [messageId, at + 1, sliceBytes],
        );
        const part = byteaBuffer(r.rows[0]?.part);
        if (!part) throw new BodyPurgedError(messageId);
        const expected = Math.min(sliceBytes, size - at);
        if (part.length !== expected) throw new Error(`the body of message ${messageId} changed while it was read (slice at ${at}: ${part.length} bytes, expected ${expected})`);
        yield* bufferParts(part);
      }
    },
  };
}

/** All of a body's bytes in one Buffer; throws {@link BodyPurgedError} when it is purged while read. */
export async function readWhole(body: PartedBytes): Promise<Buffer> {
  if (body.whole) return body.whole;
  const out = Buffer.allocUnsafe(body.size);
  let at = 0;
  for await (const part of body.parts()) at += part.copy(out, at);
  return out;
}

/** The whole body of a row read with {@link bodyColumns}: as it came, or read in slices; null when purged (before or while it was read). */
export async function wholeBody(q: Queryable, messageId: string, row: BodyColumns): Promise<Buffer | null> {
  const body = storedBody(q, messageId, row);
  try {
    return body && (await readWhole(body));
  } catch (e) {
    if (e instanceof BodyPurgedError) return null;
    throw e;
  }
}
