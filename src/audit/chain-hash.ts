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

/** Hex SHA-256 over the 32 bytes of `prevHash` followed by the 32 bytes of `digest`. */
export function chainHash(prevHash: string, digest: string): string {
  return createHash('sha256').update(Buffer.from(prevHash, 'hex')).update(Buffer.from(digest, 'hex')).digest('hex');
}
