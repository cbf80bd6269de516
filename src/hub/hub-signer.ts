/**
 * The hub's own signing key (ECDSA P-256 from the dev PKI or a real one in the
 * certs folder), used for checkpoints, receipts and generated status messages.
 */
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { devPkiLayout } from '../pki/dev-pki-layout.js';
import type { AuditSigner } from '../audit/audit-signer.js';

export interface LoadedHubSigner extends AuditSigner {
  key: KeyObject;
}

export function loadHubSigner(certsDir: string): LoadedHubSigner {
  const l = devPkiLayout(certsDir);
  const key = createPrivateKey(readFileSync(l.signingKey, 'utf8'));
  const certificatePem = readFileSync(l.signingCert, 'utf8');
  return {
    key,
    certificatePem,
    algorithm: key.asymmetricKeyType === 'ec' ? 'ecdsa-sha256' : 'rsa-sha256',
    sign: (data) => sign('sha256', data, key),
  };
}
