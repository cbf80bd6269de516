/**
 * A 64-bit advisory lock key for a tuple of strings (first 8 bytes of their
 * SHA-256), computed here so the lock can ride in BEGIN's round trip as a
 * plain number (see TxOptions.lock).
 */
import { createHash } from 'node:crypto';

export function advisoryKey(...parts: string[]): bigint {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\u0000');
  return h.digest().readBigInt64BE(0);
}
