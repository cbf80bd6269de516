/**
 * Who a certificate speaks for. The dev PKI binds an agency as CN = OrganId and a SAN
 * URI `urn:edoc-hub:organ:<OrganId>`; an auditor as SAN URI `urn:edoc-hub:auditor:<name>`;
 * the hub's signing certificate (receipts, log checkpoints) as SAN URI `urn:edoc-hub:hub-signing`.
 */
import type { X509Certificate } from 'node:crypto';

export const ORGAN_URN_PREFIX = 'urn:edoc-hub:organ:';
export const AUDITOR_URN_PREFIX = 'urn:edoc-hub:auditor:';
export const HUB_SIGNER_URN = 'urn:edoc-hub:hub-signing';

/** The identity a certificate carries. */
export interface CertificateIdentity {
  /** OrganIds from SAN URIs and (for non-auditor certificates) the subject CN. */
  organIds: string[];
  /** Auditor name, when the certificate is an auditor's. */
  auditor?: string;
}

/** Subject CN values (node prints the subject as `KEY=value` lines). */
function commonNames(cert: X509Certificate): string[] {
  return cert.subject
    .split('\n')
    .filter((l) => l.startsWith('CN='))
    .map((l) => l.slice(3).replace(/^"(.*)"$/, '$1'));
}

function sanUris(cert: X509Certificate): string[] {
  const san = cert.subjectAltName;
  if (!san) return [];
  return san
    .split(/,\s*/)
    .filter((e) => e.startsWith('URI:'))
    .map((e) => e.slice(4).replace(/^"(.*)"$/, '$1'));
}

/** The OrganIds (and auditor name) a certificate is bound to. */
export function identityOfCertificate(cert: X509Certificate): CertificateIdentity {
  const uris = sanUris(cert);
  const auditor = uris.find((u) => u.startsWith(AUDITOR_URN_PREFIX))?.slice(AUDITOR_URN_PREFIX.length);
  const organIds = new Set(uris.filter((u) => u.startsWith(ORGAN_URN_PREFIX)).map((u) => u.slice(ORGAN_URN_PREFIX.length)));
  if (auditor === undefined) for (const cn of commonNames(cert)) organIds.add(cn);
  const out: CertificateIdentity = { organIds: [...organIds] };
  if (auditor !== undefined) out.auditor = auditor;
  return out;
}

/**
 * Whether a certificate is the hub's signing certificate. Receipts and checkpoints
 * are the hub's word only when signed by one: the CA that issues it also issues
 * every agency's certificate, so "issued by the CA" alone would let an agency sign them.
 */
export function isHubSigningCertificate(cert: X509Certificate): boolean {
  return sanUris(cert).includes(HUB_SIGNER_URN);
}
