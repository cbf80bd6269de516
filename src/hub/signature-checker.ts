/**
 * Connects the exchange to the XML-DSig verifier: the sender's directory entry
 * decides which fingerprints are pinned and whether legacy SHA-1 is allowed.
 * Messages the hub signs itself (for a console clerk, or its own status
 * messages) are checked against the hub's signing certificate.
 */
import { X509Certificate } from 'node:crypto';
import type { SignatureChecker } from '../exchange/exchange-deps.js';
import type { TrustStore } from '../pki/trust-store.js';
import { verifyEdxmlSignature } from '../pki/xmldsig/verify-edxml-signature.js';

export function createSignatureChecker(trust: TrustStore, hubSigningCertPem: string, now: () => Date = () => new Date()): SignatureChecker {
  const hubFingerprint = new X509Certificate(hubSigningCertPem).fingerprint256;
  return {
    check(doc, message, sender) {
      return verifyEdxmlSignature(doc, message, {
        trust,
        expectedOrganId: sender.organId,
        pinnedFingerprints: sender.certificates,
        allowSha1: sender.allowLegacyAlgorithms,
        now: now(),
      });
    },
    checkHubSigned(doc, message) {
      const verdict = verifyEdxmlSignature(doc, message, {
        trust,
        expectedOrganId: message.from.organId,
        pinnedFingerprints: [hubFingerprint],
        allowSha1: false,
        now: now(),
      });
      return verdict.status === 'valid' && verdict.signer.fingerprint256 === hubFingerprint
        ? verdict
        : verdict.status === 'valid'
          ? { status: 'invalid', code: 'pki.wrong_agency', reason: 'not signed by the hub' }
          : verdict;
    },
  };
}
