/**
 * Size and SHA-256 of base64 content decoded straight from byte ranges of the
 * submitted buffer, in chunks: a 50 MB attachment never exists as one JS string
 * nor as one decoded Buffer.
 */
import { createHash } from 'node:crypto';

/** A piece of the base64 text: a byte range of the source, or an already-decoded string. */
export type Base64Piece = { start: number; end: number } | string;

/** Size and SHA-256 (hex) of decoded attachment bytes. */
export interface AttachmentDigest {
  size: number;
  sha256: string;
  /** True when characters outside the base64 alphabet (besides whitespace) were found and skipped. */
  invalidCharacters: boolean;
}

const CHUNK = 1 << 20;
const WHITESPACE = /[\s]+/g;
const NOT_BASE64 = /[^A-Za-z0-9+/=]/;
const NOT_BASE64_ALL = /[^A-Za-z0-9+/=]+/g;

/** Decodes the base64 pieces in order and digests the decoded bytes. */
export function digestBase64(source: Buffer, pieces: Base64Piece[]): AttachmentDigest {
  const hash = createHash('sha256');
  let size = 0;
  let carry = '';
  let invalid = false;
  const feed = (text: string): void => {
    let clean = text.replace(WHITESPACE, '');
    if (NOT_BASE64.test(clean)) {
      invalid = true;
      clean = clean.replace(NOT_BASE64_ALL, '');
    }
    const all = carry + clean;
    const whole = all.length - (all.length % 4);
    if (whole > 0) {
      const bytes = Buffer.from(all.slice(0, whole), 'base64');
      hash.update(bytes);
      size += bytes.length;
    }
    carry = all.slice(whole);
  };
  for (const piece of pieces) {
    if (typeof piece === 'string') {
      feed(piece);
      continue;
    }
    for (let s = piece.start; s < piece.end; s += CHUNK) {
      feed(source.toString('latin1', s, Math.min(piece.end, s + CHUNK)));
    }
  }
  if (carry.length > 0) {
    const bytes = Buffer.from(carry, 'base64');
    hash.update(bytes);
    size += bytes.length;
  }
  return { size, sha256: hash.digest('hex'), invalidCharacters: invalid };
}
