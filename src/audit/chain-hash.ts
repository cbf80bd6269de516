/** The hash rules of the chain (docs/audit.md, "Canonical form"). */
import { createHash } from 'node:crypto';
import type { AuditRecord } from './audit-record.js';
import { canonicalJson } from './canonical-json.js';

/** The `prevHash` of seq 1. */
export const GENESIS_HASH = '0'.repeat(64);

/** Hex SHA-256 of the record's canonical JSON (UTF-8). */
export function recordDigest(record: AuditRecord): string {
  return createHash('sha256').update(canonicalJson(record), 'utf8').digest('hex');
}

const HEX64 = /^[0-9a-f]{64}$/;

// One reusable 64-byte buffer: prevHash ‖ digest (the hot loop of sealing and verifying).
const pair = Buffer.alloc(64);

/** Hex SHA-256 over the 32 bytes of `prevHash` followed by the 32 bytes of `digest`. */
export function chainHash(prevHash: string, digest: string): string {
  if (!HEX64.test(prevHash) || !HEX64.test(digest)) {
    // Not 64 hex digits: cannot be a valid link; hash something that never matches a real chain.
    return createHash('sha256').update(`invalid:${prevHash}:${digest}`).digest('hex');
  }
  pair.write(prevHash, 0, 32, 'hex');
  pair.write(digest, 32, 32, 'hex');
  return createHash('sha256').update(pair).digest('hex');
}
