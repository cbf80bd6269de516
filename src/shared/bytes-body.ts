/**
 * A request or response body of exact bytes, written to a TLS socket without holding the event loop.
 *
 * A Buffer written in one call is encrypted in one go: on a 2-core test machine
 * 10 MB held the event loop ~70 ms and 50 MB ~290 ms, stalling every other
 * request. Above one part, the bytes go as a stream of 64 KiB views of the same
 * memory (nothing is copied), each encrypted as the socket drains, between
 * other work: the longest hold was then under 7 ms, and the send was faster.
 */
import { Readable } from 'node:stream';

export const BODY_PART_BYTES = 64 * 1024;

/** Views of consecutive parts of `bytes`, each at most `partBytes` long. */
export function* bufferParts(bytes: Buffer, partBytes = BODY_PART_BYTES): Generator<Buffer> {
  for (let at = 0; at < bytes.length; at += partBytes) yield bytes.subarray(at, Math.min(bytes.length, at + partBytes));
}

/** The bytes themselves when they fit one part, else a stream of their parts (one made ahead of the socket at most). */
export function bytesBody(bytes: Buffer): Buffer | Readable {
  return bytes.length <= BODY_PART_BYTES ? bytes : Readable.from(bufferParts(bytes), { highWaterMark: 1 });
}

/**
 * Bytes of a known size that come in parts, such as a stored message body read
 * from the database a slice at a time as the socket drains (src/store/body-slices.ts):
 * `whole` when they are already in memory.
 */
export interface PartedBytes {
  size: number;
  whole: Buffer | null;
  parts(): AsyncIterable<Buffer>;
}

/** {@link bytesBody} of parted bytes: the Buffer when it is in memory and fits one part, else a stream of the parts. */
export function partedBody(body: PartedBytes): Buffer | Readable {
  if (body.whole) return bytesBody(body.whole);
  return Readable.from(body.parts(), { highWaterMark: 1 });
}
