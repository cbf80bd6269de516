/** Issues the certificates of the hub's parties: agencies, auditors, the hub's own TLS and signing certificates. */
import { generateKeyPem, type KeyKind } from './generate-key.js';
import { issueCertificate, type ExtKeyUsageName, type KeyUsageName, type SubjectAltName } from './issue-certificate.js';
import { AUDITOR_URN_PREFIX, HUB_SIGNER_URN, ORGAN_URN_PREFIX } from './identity-of-certificate.js';
import type { DistinguishedName } from './asn1/x509-name.js';

/** A CA able to issue: its certificate and private key (PEM). */
export interface IssuingCa {
  certPem: string;
  keyPem: string;
}

/** A freshly issued certificate with its private key. */
export interface IssuedCredential {
  certPem: string;
  keyPem: string;
}

/** What kind of end-entity certificate to issue. */
export type PartyProfile =
  | { kind: 'agency'; organId: string; name?: string }
  | { kind: 'auditor'; name: string }
  | { kind: 'hub-server'; hostNames?: string[] }
  | { kind: 'hub-client' }
  | { kind: 'hub-signing' };

export interface IssuePartyOptions {
  ca: IssuingCa;
  profile: PartyProfile;
  keyKind?: KeyKind;
  notBefore?: Date;
  notAfter?: Date;
  serial?: string;
}

const DAY = 86_400_000;

function profileFields(p: PartyProfile): { subject: DistinguishedName; keyUsage: KeyUsageName[]; extKeyUsage: ExtKeyUsageName[]; san: SubjectAltName[] } {
  switch (p.kind) {
    case 'agency':
      // Usable both for mTLS (clientAuth) and for XML signatures (nonRepudiation, emailProtection).
      return {
        subject: { country: 'VN', organization: p.name ?? p.organId, commonName: p.organId },
        keyUsage: ['digitalSignature', 'nonRepudiation', 'keyEncipherment'],
        extKeyUsage: ['clientAuth', 'emailProtection'],
        san: [{ uri: `${ORGAN_URN_PREFIX}${p.organId}` }],
      };
    case 'auditor':
      return {
        subject: { country: 'VN', organization: 'edoc-hub auditors', commonName: p.name },
        keyUsage: ['digitalSignature'],
        extKeyUsage: ['clientAuth'],
        san: [{ uri: `${AUDITOR_URN_PREFIX}${p.name}` }],
      };
    case 'hub-server': {
      const hosts = p.hostNames ?? ['localhost'];
      return {
        subject: { country: 'VN', organization: 'edoc-hub', commonName: hosts[0] ?? 'localhost' },
        keyUsage: ['digitalSignature', 'keyEncipherment'],
        extKeyUsage: ['serverAuth'],
        san: [...hosts.map((dns) => ({ dns })), { ip: '127.0.0.1' }, { ip: '::1' }],
      };
    }
    case 'hub-client':
      return { subject: { country: 'VN', organization: 'edoc-hub', commonName: 'edoc-hub client' }, keyUsage: ['digitalSignature', 'keyEncipherment'], extKeyUsage: ['clientAuth'], san: [] };
    case 'hub-signing':
      return {
        subject: { country: 'VN', organization: 'edoc-hub', commonName: 'edoc-hub signing' },
        keyUsage: ['digitalSignature', 'nonRepudiation'],
        extKeyUsage: ['emailProtection'],
        san: [{ uri: HUB_SIGNER_URN }],
      };
  }
}

/** Generates a key and issues the end-entity certificate of a party, signed by `ca`. */
export function issuePartyCertificate(opts: IssuePartyOptions): IssuedCredential {
  const now = Date.now();
  const defaultKind: KeyKind = opts.profile.kind === 'hub-signing' ? 'ec-p256' : 'rsa-2048';
  const keys = generateKeyPem(opts.keyKind ?? defaultKind);
  const f = profileFields(opts.profile);
  const certPem = issueCertificate({
    ...f,
    publicKeyPem: keys.publicKeyPem,
    issuerCertPem: opts.ca.certPem,
    issuerKeyPem: opts.ca.keyPem,
    // An hour back: tolerate clock skew between machines.
    notBefore: opts.notBefore ?? new Date(now - 3_600_000),
    notAfter: opts.notAfter ?? new Date(now + 2 * 365 * DAY),
    ...(opts.serial ? { serial: opts.serial } : {}),
  });
  return { certPem, keyPem: keys.privateKeyPem };
}

/** Creates a self-signed CA (RSA 3072 unless told otherwise). */
export function createCa(opts: { commonName: string; keyKind?: KeyKind; notBefore?: Date; notAfter?: Date }): IssuedCredential {
  const keys = generateKeyPem(opts.keyKind ?? 'rsa-3072');
  const now = Date.now();
  const certPem = issueCertificate({
    subject: { country: 'VN', organization: 'edoc-hub development', commonName: opts.commonName },
    publicKeyPem: keys.publicKeyPem,
    issuerKeyPem: keys.privateKeyPem,
    notBefore: opts.notBefore ?? new Date(now - 3_600_000),
    notAfter: opts.notAfter ?? new Date(now + 10 * 365 * DAY),
    keyUsage: ['keyCertSign', 'cRLSign', 'digitalSignature'],
    isCa: true,
  });
  return { certPem, keyPem: keys.privateKeyPem };
}
