/**
 * The shapes the chain is made of. An `AuditRecord` is exactly what is hashed
 * (its canonical JSON); a `ChainEntry` is one position in the chain, with the
 * record, or only its digest when an export leaves it out (redacted).
 */
export interface AuditRecord {
  /** Position in the chain, decimal string (1, 2, …). */
  seq: string;
  /** `audit_events.id`, decimal string. */
  eventId: string;
  /** UTC, millisecond ISO 8601: `2026-01-02T03:04:05.678Z`. */
  at: string;
  type: string;
  actor: string;
  organs: string[];
  messageId: string | null;
  deliveryId: string | null;
  documentId: string | null;
  data: Record<string, unknown>;
}

export interface ChainEntry {
  seq: string;
  /** Hex SHA-256 of the previous entry (64 zeros before seq 1). */
  prevHash: string;
  /** Hex SHA-256(prevHash bytes ‖ digest bytes). */
  hash: string;
  /** The record, when present… */
  record?: AuditRecord;
  /** …or only its digest (hex SHA-256 of its canonical JSON) when redacted. */
  digest?: string;
  /**
   * Set by the database reader when the stored event holds something its
   * record cannot show (a number beyond double precision, a time below the
   * millisecond): an edit that would hash the same. The verifier fails the entry.
   */
  malformed?: string;
}

/** A signed statement of the chain head. */
export interface AuditCheckpoint {
  seq: string;
  hash: string;
  /** UTC, millisecond ISO 8601. */
  at: string;
  /** The signer's algorithm name, e.g. `ecdsa-sha256`. */
  algorithm: string;
  /** Base64 signature over `checkpointPayload({seq, hash, at})`. */
  signature: string;
  /** The signing certificate (PEM), which must chain to the hub's CA. */
  certificatePem: string;
}
