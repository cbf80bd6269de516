/**
 * Checks one checkpoint: its certificate is the hub's signing certificate, issued by the CA and
 * was valid when it signed, and its signature covers {seq, hash, at}.
 */
import { createPublicKey, verify, X509Certificate } from 'node:crypto';
import type { AuditCheckpoint } from './audit-record.js';
import { checkpointPayload } from './checkpoint-payload.js';
import { HUB_SIGNER_URN, isHubSigningCertificate } from '../pki/identity-of-certificate.js';

/** Digest named by the algorithm string (`ecdsa-sha384` → sha384); SHA-256 otherwise. */
function digestOf(algorithm: string): string {
  const a = algorithm.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (a.includes('384')) return 'sha384';
  if (a.includes('512')) return 'sha512';
  return 'sha256';
}

const CHECKPOINT_MEMBERS = ['seq', 'hash', 'at', 'algorithm', 'signature', 'certificatePem'] as const;

/** Null when the checkpoint is good, otherwise the reason. */
export function verifyCheckpoint(cp: AuditCheckpoint, ca: X509Certificate): string | null {
  // An export file's checkpoint line can lack any member: a reason, not a TypeError.
  for (const k of CHECKPOINT_MEMBERS) {
    if (typeof (cp as unknown as Record<string, unknown>)[k] !== 'string') return `checkpoint has no ${k}`;
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(cp.certificatePem);
  } catch {
    return 'checkpoint certificate is not a valid X.509 certificate';
  }
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return 'checkpoint certificate is not issued by the CA';
  if (!isHubSigningCertificate(cert)) return `checkpoint certificate is not the hub's signing certificate (no SAN URI ${HUB_SIGNER_URN})`;
  const at = Date.parse(cp.at);
  if (!(at >= Date.parse(cert.validFrom) && at <= Date.parse(cert.validTo))) {
    return 'checkpoint was signed outside the certificate validity period';
  }
  const data = checkpointPayload(cp);
  const sig = Buffer.from(cp.signature, 'base64');
  const digest = digestOf(cp.algorithm);
  let ok: boolean;
  try {
    const key = createPublicKey(cert.publicKey.export({ format: 'pem', type: 'spki' }));
    ok =
      key.asymmetricKeyType === 'ec'
        ? verify(digest, data, { key, dsaEncoding: 'der' }, sig) || verify(digest, data, { key, dsaEncoding: 'ieee-p1363' }, sig)
        : verify(digest, data, key, sig);
  } catch {
    ok = false;
  }
  return ok ? null : 'checkpoint signature does not verify';
}
