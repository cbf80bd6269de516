/**
 * The hub's signing key behind one narrow contract, so receipts, audit checkpoints and
 * generated status messages never touch key files (and a hardware module could replace it).
 */
import { createPrivateKey, createPublicKey, sign, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { HubError } from '../../shared/hub-error.js';
import { devPkiLayout } from '../dev-pki-layout.js';
import { HUB_SIGNER_URN, isHubSigningCertificate } from '../identity-of-certificate.js';

export interface HubSigner {
  /** The signing certificate (PEM). */
  certificatePem: string;
  /** The CA certificate third parties verify against (PEM). */
  caCertificatePem: string;
  /** `ecdsa-sha256` (dev PKI) or `rsa-sha256`. */
  algorithm: string;
  /** SHA-256 signature of `data`: DER (X9.62) for ECDSA, PKCS#1 v1.5 for RSA. */
  sign(data: Buffer): Buffer;
}

export interface HubSignerMaterial {
  certPem: string;
  keyPem: string;
  caCertPem: string;
}

/** A signer over a certificate and its private key; checks that they belong together. */
export function createHubSigner(m: HubSignerMaterial): HubSigner {
  const key = createPrivateKey(m.keyPem);
  const cert = new X509Certificate(m.certPem);
  const keySpki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  if (!keySpki.equals(cert.publicKey.export({ type: 'spki', format: 'der' }))) {
    throw new HubError('pki.key_mismatch', 'The hub signing key does not match its certificate');
  }
  if (!isHubSigningCertificate(cert)) {
    throw new HubError(
      'pki.not_hub_signer',
      `The hub signing certificate (${cert.subject.split('\n').join(', ')}) lacks the SAN URI ${HUB_SIGNER_URN}: receipts and log checkpoints it signed would not verify. Have the CA issue one with it (the dev PKI does: \`edoc-hub certs init\`)`,
    );
  }
  const type = key.asymmetricKeyType;
  if (type !== 'ec' && type !== 'rsa') throw new HubError('pki.unsupported_key', `Unsupported hub signing key type ${String(type)}`);
  return {
    certificatePem: m.certPem,
    caCertificatePem: m.caCertPem,
    algorithm: type === 'ec' ? 'ecdsa-sha256' : 'rsa-sha256',
    sign: (data) => sign('sha256', data, key),
  };
}

/** Loads the hub signer from a certs folder (`hub/signing.pem`, `hub/signing.key.pem`, `ca.pem`). */
export function loadHubSigner(certsDir: string): HubSigner {
  const l = devPkiLayout(certsDir);
  try {
    return createHubSigner({ certPem: readFileSync(l.signingCert, 'utf8'), keyPem: readFileSync(l.signingKey, 'utf8'), caCertPem: readFileSync(l.caCert, 'utf8') });
  } catch (e) {
    if (e instanceof HubError) throw e;
    throw new HubError('pki.signer_unavailable', `Cannot load the hub signing key from ${l.dir}: ${e instanceof Error ? e.message : String(e)} (run \`edoc-hub certs init\`)`, { status: 500, cause: e });
  }
}
