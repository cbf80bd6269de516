/**
 * Size and SHA-256 of base64 content decoded straight from byte ranges of the
 * submitted buffer, in chunks: a 50 MB attachment never exists as one JS string
 * nor as one decoded Buffer.
 */
import { createHash, type Hash } from 'node:crypto';

/** A piece of the base64 text: a byte range of the source, or an already-decoded string. */
export type Base64Piece = { start: number; end: number } | string;

/** Size and SHA-256 (hex) of decoded attachment bytes. */
export interface AttachmentDigest {
  size: number;
  sha256: string;
  /** True when characters outside the base64 alphabet (besides whitespace) were found and skipped. */
  invalidCharacters: boolean;
}

// Base64 characters decoded at a time: a multiple of 4, and small enough that
// their string is made in V8's young generation (see xml-chars.ts).
const CHUNK = 1 << 15;

/** Per byte: 1 base64 alphabet (with `=`), 0 whitespace, -1 anything else. */
const KIND = new Int8Array(256).fill(-1);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=') KIND[c.charCodeAt(0)] = 1;
for (const c of [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20]) KIND[c] = 0;

let scratch: { kept: Buffer; decoded: Buffer } | null = null;

/** Decodes and hashes `kept[0, n)` (ASCII only, so Latin-1 reads it as it is) into the reused `decoded`. Returns the decoded size. */
function digestKept(hash: Hash, kept: Buffer, n: number, decoded: Buffer): number {
  const length = decoded.write(kept.toString('latin1', 0, n), 'base64');
  hash.update(decoded.subarray(0, length));
  return length;
}

/**
 * Decodes the base64 pieces in order and digests the decoded bytes. One pass
 * over the bytes gathers the alphabet's characters into a 32 KiB buffer
 * (whitespace dropped, anything else flagged and dropped); each full buffer
 * is decoded and hashed, and a last group of 2 or 3 characters decodes as
 * the built-in decoder does. (Measured on a 50 MB document with 76-character
 * lines: 79 MB/s when a regular expression stripped the whitespace of 1 MiB
 * strings.) The buffers are reused: the function runs to the end synchronously.
 */
export function digestBase64(source: Buffer, pieces: Base64Piece[]): AttachmentDigest {
  const hash = createHash('sha256');
  const { kept, decoded } = (scratch ??= { kept: Buffer.allocUnsafe(CHUNK), decoded: Buffer.allocUnsafe(CHUNK) });
  let n = 0;
  let size = 0;
  let invalid = false;
  for (const piece of pieces) {
    if (typeof piece === 'string') {
      for (let i = 0; i < piece.length; i++) {
        const c = piece.charCodeAt(i);
        const kind = c < 256 ? KIND[c]! : -1;
        if (kind === 1) {
          kept[n++] = c;
          if (n === CHUNK) {
            size += digestKept(hash, kept, n, decoded);
            n = 0;
          }
        } else if (kind === -1) invalid = true;
      }
      continue;
    }
    for (let i = piece.start; i < piece.end; i++) {
      const c = source[i]!;
      const kind = KIND[c]!;
      if (kind === 1) {
        kept[n++] = c;
        if (n === CHUNK) {
          size += digestKept(hash, kept, n, decoded);
          n = 0;
        }
      } else if (kind === -1) invalid = true;
    }
  }
  if (n > 0) size += digestKept(hash, kept, n, decoded);
  return { size, sha256: hash.digest('hex'), invalidCharacters: invalid };
}
