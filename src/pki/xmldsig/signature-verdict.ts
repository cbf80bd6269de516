/** The outcome of checking a message's XML signature, as the hub records and shows it. */

/** Who signed, when the signature is valid. */
export interface SignerInfo {
  /** Subject DN, RDNs joined with ", ". */
  subject: string;
  serialNumber: string;
  /** SHA-256 fingerprint, colon-separated hex, as node:crypto prints it. */
  fingerprint256: string;
  /** Short algorithm name, e.g. `rsa-sha256`. */
  algorithm: string;
  /** ISO 8601, when the signature carries a signing time. */
  signingTime?: string;
  organIds: string[];
}

export type SignatureVerdict =
  | { status: 'valid'; signer: SignerInfo }
  | { status: 'missing' }
  /** `code` is one of the `pki.*` codes (see docs/signatures.md). */
  | { status: 'invalid'; code: string; reason: string };
