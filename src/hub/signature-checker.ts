/**
 * Connects the exchange to the XML-DSig verifier: the sender's directory
 * policy decides whether SHA-1 is allowed and which fingerprints are pinned.
 */
import type { SignatureChecker } from '../exchange/exchange-deps.js';
import type { SignatureVerdict } from '../exchange/signature-verdict.js';
import type { TrustStore } from '../pki/trust-store.js';

export function createSignatureChecker(_trust: TrustStore): SignatureChecker {
  return {
    check(_doc, message): SignatureVerdict {
      // Until the XML-DSig verifier is wired: a message with a Signature element is "invalid (not checked)".
      if (message.signatures.length === 0) return { status: 'missing' };
      return { status: 'invalid', code: 'pki.not_checked', reason: 'signature verification is not available in this build' };
    },
  };
}
