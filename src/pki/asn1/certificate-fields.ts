/** Raw DER fields of an X.509 certificate that node:crypto does not expose as bytes. */
import type { X509Certificate } from 'node:crypto';
import { HubError } from '../../shared/hub-error.js';
import { derBytes, derChildren, readDer } from './der-reader.js';

export interface CertificateFields {
  /** DER of the issuer Name. */
  issuer: Buffer;
  /** DER of the subject Name. */
  subject: Buffer;
  /** Serial number content bytes (two's complement, as encoded). */
  serial: Buffer;
}

/** Issuer and subject Names and serial of a certificate, as the exact DER bytes. */
export function certificateFields(cert: X509Certificate): CertificateFields {
  const der = cert.raw;
  const tbs = derChildren(der, readDer(der))[0];
  if (!tbs) throw new HubError('pki.malformed_der', 'Certificate without TBSCertificate');
  const f = derChildren(der, tbs);
  const o = f[0]?.tag === 0xa0 ? 1 : 0;
  const serial = f[o];
  const issuer = f[o + 2];
  const subject = f[o + 4];
  if (!serial || !issuer || !subject) throw new HubError('pki.malformed_der', 'Certificate TBS is incomplete');
  return { issuer: derBytes(der, issuer), subject: derBytes(der, subject), serial: der.subarray(serial.contentStart, serial.end) };
}

/** Canonical hex form of a serial number: upper case, no leading zeros. */
export function normalizeSerial(hex: string): string {
  const s = hex.replace(/[^0-9a-fA-F]/g, '').replace(/^0+/, '').toUpperCase();
  return s === '' ? '0' : s;
}

/** Hash name (for node:crypto) of an X.509 signature algorithm OID; null when unsupported. */
export function hashOfSignatureOid(oid: string): string | null {
  switch (oid) {
    case '1.2.840.113549.1.1.5':
      return 'sha1';
    case '1.2.840.113549.1.1.11':
    case '1.2.840.10045.4.3.2':
      return 'sha256';
    case '1.2.840.113549.1.1.12':
    case '1.2.840.10045.4.3.3':
      return 'sha384';
    case '1.2.840.113549.1.1.13':
    case '1.2.840.10045.4.3.4':
      return 'sha512';
    default:
      return null;
  }
}
