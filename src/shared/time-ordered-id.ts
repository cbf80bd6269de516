/**
 * UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits.
 * Message and delivery ids are primary keys: random (v4) ids scatter every
 * insert over the whole index, which outgrows the database's buffers and
 * makes each accept slower as the tables grow; time-ordered ids append.
 */
import { randomFillSync } from 'node:crypto';

const bytes = Buffer.alloc(16);
let lastMs = 0;
let counter = 0;

// The random bits come from a pool filled for 256 ids at a time, as crypto.randomUUID
// does: one call to the generator per id cost more than the rest of the id (hub bench).
const RANDOM_BYTES = 10;
const pool = Buffer.alloc(RANDOM_BYTES * 256);
let poolAt = pool.length;

export function timeOrderedId(now: number = Date.now()): string {
  if (poolAt === pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  pool.copy(bytes, 6, poolAt, poolAt + RANDOM_BYTES);
  poolAt += RANDOM_BYTES;
  // Within one millisecond, a 12-bit counter in rand_a keeps ids of this process increasing.
  if (now <= lastMs) {
    counter = (counter + 1) & 0xfff;
    if (counter === 0) lastMs += 1;
    now = lastMs;
  } else {
    lastMs = now;
    counter = bytes.readUInt16BE(6) & 0x3ff;
  }
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
