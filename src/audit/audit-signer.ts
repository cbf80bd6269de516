/**
 * What the sealer needs from the hub's signer (src/pki's `HubSigner` fits):
 * any object of this shape works, so audit does not depend on pki.
 */
export interface AuditSigner {
  /** The signing certificate (PEM), stored with every checkpoint. */
  readonly certificatePem: string;
  /** Algorithm name recorded with the signature, e.g. `ecdsa-sha256`. */
  readonly algorithm: string;
  /** Signs the bytes (the signer hashes them); DER or IEEE P1363 ECDSA, or RSA PKCS#1 v1.5. */
  sign(data: Buffer): Buffer;
}
