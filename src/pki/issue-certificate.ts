/**
 * Issues an X.509 v3 certificate for an RSA or EC public key.
 *
 * node-forge builds the TBSCertificate but can only encode RSA keys, so the
 * SubjectPublicKeyInfo is spliced in as the DER that node:crypto exports, and
 * the TBS is signed with the issuer key through node:crypto (fast, any key type).
 */
import { createHash, createPrivateKey, createPublicKey, randomBytes, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { HubError } from '../shared/hub-error.js';
import { nameToAsn1, timeToAsn1, type DistinguishedName } from './asn1/x509-name.js';
import { createX509Signer, derToPem, fromDer, signedStructure } from './asn1/x509-signer.js';
import { derChildren, readDer } from './asn1/der-reader.js';
import { certificateFields } from './asn1/certificate-fields.js';

const { asn1 } = forge;

export type KeyUsageName = 'digitalSignature' | 'nonRepudiation' | 'keyEncipherment' | 'dataEncipherment' | 'keyAgreement' | 'keyCertSign' | 'cRLSign';
export type ExtKeyUsageName = 'serverAuth' | 'clientAuth' | 'emailProtection' | 'codeSigning' | 'timeStamping';

/** One subjectAltName entry. */
export type SubjectAltName = { dns: string } | { ip: string } | { uri: string };

export interface IssueCertificateOptions {
  subject: DistinguishedName;
  /** The subject's public key (SPKI PEM, RSA or EC). */
  publicKeyPem: string;
  /** Issuer certificate; omit for a self-signed certificate (then issuerKeyPem is the subject's own key). */
  issuerCertPem?: string;
  issuerKeyPem: string;
  notBefore: Date;
  notAfter: Date;
  /** Hex serial; a random positive 128-bit one when omitted. */
  serial?: string;
  keyUsage: KeyUsageName[];
  extKeyUsage?: ExtKeyUsageName[];
  san?: SubjectAltName[];
  /** A CA certificate (basicConstraints cA=true). */
  isCa?: boolean;
}

/** Key identifier as RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING value. */
export function keyIdentifierOfSpki(spkiDer: Buffer): Buffer {
  const spki = readDer(spkiDer);
  const bitString = derChildren(spkiDer, spki)[1];
  if (!bitString) throw new HubError('pki.malformed_der', 'SubjectPublicKeyInfo without a key');
  return createHash('sha1').update(spkiDer.subarray(bitString.contentStart + 1, bitString.end)).digest();
}

/** A random positive serial number (hex, 16 bytes, high bit clear). */
export function randomSerial(): string {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x7f) | 0x01;
  return b.toString('hex');
}

function octets(bytes: Buffer): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, bytes.toString('binary'));
}

/** forge exports this encoder but its typings omit it. */
const extensionsToAsn1 = (forge.pki as unknown as { certificateExtensionsToAsn1(exts: unknown[]): forge.asn1.Asn1 }).certificateExtensionsToAsn1;

/** Issues the certificate and returns it as PEM. */
export function issueCertificate(opts: IssueCertificateOptions): string {
  const spkiDer = createPublicKey(opts.publicKeyPem).export({ type: 'spki', format: 'der' });
  const issuerKey = createPrivateKey(opts.issuerKeyPem);
  const issuerSpkiDer = createPublicKey(issuerKey).export({ type: 'spki', format: 'der' });
  const signer = createX509Signer(issuerKey);

  // Issuer Name: the exact DER of the issuer certificate's subject, so chains match byte for byte.
  const issuerName = opts.issuerCertPem ? fromDer(certificateFields(new X509Certificate(opts.issuerCertPem)).subject) : nameToAsn1(opts.subject);

  const extensions: { name: string; critical?: boolean; [k: string]: unknown }[] = [
    { name: 'basicConstraints', critical: true, cA: opts.isCa === true },
    { name: 'keyUsage', critical: true, ...Object.fromEntries(opts.keyUsage.map((k) => [k, true])) },
    { id: '2.5.29.14', name: 'subjectKeyIdentifier', value: octets(keyIdentifierOfSpki(spkiDer)) },
    {
      id: '2.5.29.35',
      name: 'authorityKeyIdentifier',
      value: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
        asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, false, keyIdentifierOfSpki(issuerSpkiDer).toString('binary')),
      ]),
    },
  ];
  if (opts.extKeyUsage && opts.extKeyUsage.length > 0) {
    extensions.push({ name: 'extKeyUsage', ...Object.fromEntries(opts.extKeyUsage.map((k) => [k, true])) });
  }
  if (opts.san && opts.san.length > 0) {
    extensions.push({
      name: 'subjectAltName',
      altNames: opts.san.map((s) => ('dns' in s ? { type: 2, value: s.dns } : 'ip' in s ? { type: 7, ip: s.ip } : { type: 6, value: s.uri })),
    });
  }
  // forge fills in the encodings of the standard extensions.
  const holder = forge.pki.createCertificate();
  holder.setExtensions(extensions);

  const serialHex = opts.serial ?? randomSerial();
  if (!/^[0-9a-fA-F]+$/.test(serialHex)) throw new HubError('pki.bad_serial', `Serial must be hex, got "${serialHex}"`);
  const serialBytes = Buffer.from(serialHex.length % 2 ? `0${serialHex}` : serialHex, 'hex');
  const serialDer = serialBytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), serialBytes]) : serialBytes;

  const tbs = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(2).getBytes())]),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, serialDer.toString('binary')),
    signer.algorithmIdentifier(),
    issuerName,
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [timeToAsn1(opts.notBefore), timeToAsn1(opts.notAfter)]),
    nameToAsn1(opts.subject),
    fromDer(spkiDer),
    // Already wrapped in the [3] EXPLICIT tag by forge.
    extensionsToAsn1(holder.extensions),
  ]);
  return derToPem(signedStructure(tbs, signer), 'CERTIFICATE');
}
