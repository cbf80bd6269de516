/**
 * Throwaway PKI fixtures in a temp folder: the dev PKI for two agencies plus the
 * awkward certificates the refusal tests need. Other test suites may import it.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildCrl } from '../../../src/pki/crl.js';
import { devPkiLayout, type DevPkiLayout } from '../../../src/pki/dev-pki-layout.js';
import { initDevPki, loadDevCa } from '../../../src/pki/dev-pki.js';
import { createCa, issuePartyCertificate, type IssuedCredential } from '../../../src/pki/issue-agency-certificate.js';

export const AGENCY_A = '000.00.00.G22';
export const AGENCY_B = '000.00.00.H29';

export interface PkiFixtures {
  dir: string;
  layout: DevPkiLayout;
  ca: IssuedCredential;
  /** Agency A's RSA-2048 credential from the dev PKI. */
  agencyA: IssuedCredential;
  agencyB: IssuedCredential;
  /** Agency A with an ECDSA P-256 key. */
  agencyAEcdsa: IssuedCredential;
  /** Agency A, validity ended a year ago. */
  agencyAExpired: IssuedCredential;
  /** Agency A, listed on the CA's CRL. */
  agencyARevoked: IssuedCredential;
  /** Agency A, issued by a CA that is not in the trust store. */
  agencyAUntrusted: IssuedCredential;
  /** That other CA. */
  otherCa: IssuedCredential;
  /** Agency A with a 1024-bit RSA key. */
  agencyAWeak: IssuedCredential;
  cleanup(): void;
}

/** Creates the fixtures (a few seconds: RSA key generation). */
export function makePkiFixtures(): PkiFixtures {
  const dir = mkdtempSync(path.join(tmpdir(), 'edoc-pki-'));
  initDevPki({ certsDir: dir, agencies: [{ organId: AGENCY_A, name: 'Văn phòng Chính phủ' }, { organId: AGENCY_B, name: 'UBND TP Hồ Chí Minh' }] });
  const layout = devPkiLayout(dir);
  const ca = loadDevCa(dir);
  const read = (c: string, k: string): IssuedCredential => ({ certPem: readText(c), keyPem: readText(k) });
  const profile = { kind: 'agency' as const, organId: AGENCY_A, name: 'Văn phòng Chính phủ' };
  const yearAgo = Date.now() - 365 * 86_400_000;
  const revoked = issuePartyCertificate({ ca, profile });
  const otherCa = createCa({ commonName: 'Some Other CA', keyKind: 'rsa-2048' });
  const fixtures: PkiFixtures = {
    dir,
    layout,
    ca,
    agencyA: read(layout.agencyCert(AGENCY_A), layout.agencyKey(AGENCY_A)),
    agencyB: read(layout.agencyCert(AGENCY_B), layout.agencyKey(AGENCY_B)),
    agencyAEcdsa: issuePartyCertificate({ ca, profile, keyKind: 'ec-p256' }),
    agencyAExpired: issuePartyCertificate({ ca, profile, notBefore: new Date(yearAgo - 86_400_000), notAfter: new Date(yearAgo) }),
    agencyARevoked: revoked,
    agencyAUntrusted: issuePartyCertificate({ ca: otherCa, profile }),
    otherCa,
    agencyAWeak: issuePartyCertificate({ ca, profile, keyKind: 'rsa-1024' }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
  writeFileSync(
    layout.caCrl,
    buildCrl({ issuerCertPem: ca.certPem, issuerKeyPem: ca.keyPem, revoked: [{ serial: new X509Certificate(revoked.certPem).serialNumber, revokedAt: new Date() }], crlNumber: 2 }),
  );
  return fixtures;
}

function readText(file: string): string {
  return readFileSync(file, 'utf8');
}
