/** The hash rules of the chain (docs/audit.md, "Canonical form"). */
import { createHash, hash } from 'node:crypto';
import type { AuditRecord } from './audit-record.js';
import { canonicalJson } from './canonical-json.js';

/** The `prevHash` of seq 1. */
export const GENESIS_HASH = '0'.repeat(64);

const HEX64 = /^[0-9a-f]{64}$/;
const str = JSON.stringify;
const strOrNull = (v: string | null): string => (v === null ? 'null' : str(v));

/**
 * The canonical JSON of a record: identical to `canonicalJson(record)` for a
 * well-formed record (members already in sorted order), without the generic
 * walk — this is the hot loop of sealing and verifying.
 */
export function canonicalRecord(r: AuditRecord): string {
  return (
    `{"actor":${str(r.actor)},"at":${str(r.at)},"data":${canonicalJson(r.data)},"deliveryId":${strOrNull(r.deliveryId)},` +
    `"documentId":${strOrNull(r.documentId)},"eventId":${str(r.eventId)},"messageId":${strOrNull(r.messageId)},` +
    `"organs":${canonicalJson(r.organs)},"seq":${str(r.seq)},"type":${str(r.type)}}`
  );
}

/** Hex SHA-256 of the record's canonical JSON (UTF-8). */
export function recordDigest(record: AuditRecord): string {
  return hash('sha256', canonicalRecord(record), 'hex');
}

// One reusable 64-byte buffer: prevHash ‖ digest. (`crypto.hash` is the one-shot form, ~2x faster on small inputs.)
const pair = Buffer.alloc(64);

function invalid(prevHash: string, digest: string): string {
  // Not 64 hex digits: cannot be a valid link; hash something no real chain contains.
  return createHash('sha256').update(`invalid:${prevHash}:${digest}`).digest('hex');
}

/** Hex SHA-256 over the 32 bytes of `prevHash` followed by the 32 bytes of `digest`. */
export function chainHash(prevHash: string, digest: string): string {
  if (!HEX64.test(prevHash) || !HEX64.test(digest)) return invalid(prevHash, digest);
  pair.write(prevHash, 0, 32, 'hex');
  pair.write(digest, 32, 32, 'hex');
  return hash('sha256', pair, 'hex');
}

/** `chainHash(prevHash, recordDigest(record))` without the hex round trip of the digest. */
export function chainHashOfRecord(prevHash: string, record: AuditRecord): string {
  if (!HEX64.test(prevHash)) return invalid(prevHash, 'record');
  pair.write(prevHash, 0, 32, 'hex');
  hash('sha256', canonicalRecord(record), 'buffer').copy(pair, 32);
  return hash('sha256', pair, 'hex');
}
