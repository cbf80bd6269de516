/**
 * Certificate revocation lists: building (dev PKI, `certs revoke`, tests) with forge
 * ASN.1 and a node:crypto signature, and reading (PEM or DER) with forge's ASN.1 reader.
 */
import { verify, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { HubError } from '../shared/hub-error.js';
import { certificateFields, hashOfSignatureOid, normalizeSerial } from './asn1/certificate-fields.js';
import { derBytes, derChildren, readDer } from './asn1/der-reader.js';
import { timeToAsn1 } from './asn1/x509-name.js';
import { createX509Signer, derToPem, fromDer, signedStructure } from './asn1/x509-signer.js';

const { asn1 } = forge;

/** One revoked certificate. */
export interface RevokedEntry {
  /** Hex serial number. */
  serial: string;
  revokedAt: Date;
}

export interface BuildCrlOptions {
  issuerCertPem: string;
  issuerKeyPem: string;
  revoked: RevokedEntry[];
  thisUpdate?: Date;
  nextUpdate?: Date;
  crlNumber?: number;
}

/** A CRL as read from disk. */
export interface ParsedCrl {
  /** DER of the issuer Name. */
  issuer: Buffer;
  thisUpdate: Date;
  nextUpdate?: Date;
  /** Normalized serial → revocation date. */
  revoked: Map<string, Date>;
  /** The signed TBSCertList bytes. */
  tbs: Buffer;
  signatureOid: string;
  signature: Buffer;
}

function integer(bytes: Buffer): forge.asn1.Asn1 {
  const der = bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, der.toString('binary'));
}

/** Builds and signs a v2 CRL; returns PEM. */
export function buildCrl(opts: BuildCrlOptions): string {
  const issuer = new X509Certificate(opts.issuerCertPem);
  const signer = createX509Signer(opts.issuerKeyPem);
  const thisUpdate = opts.thisUpdate ?? new Date();
  const nextUpdate = opts.nextUpdate ?? new Date(thisUpdate.getTime() + 30 * 86_400_000);
  const fields: forge.asn1.Asn1[] = [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(1).getBytes()),
    signer.algorithmIdentifier(),
    fromDer(certificateFields(issuer).subject),
    timeToAsn1(thisUpdate),
    timeToAsn1(nextUpdate),
  ];
  if (opts.revoked.length > 0) {
    fields.push(
      asn1.create(
        asn1.Class.UNIVERSAL,
        asn1.Type.SEQUENCE,
        true,
        opts.revoked.map((r) => {
          const hex = normalizeSerial(r.serial);
          return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
            integer(Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex')),
            timeToAsn1(r.revokedAt),
          ]);
        }),
      ),
    );
  }
  // crlExtensions [0]: cRLNumber (2.5.29.20), which RFC 5280 requires of conforming CRLs.
  const crlNumber = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(opts.crlNumber ?? 1).getBytes());
  fields.push(
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer('2.5.29.20').getBytes()),
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, asn1.toDer(crlNumber).getBytes()),
        ]),
      ]),
    ]),
  );
  const tbs = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, fields);
  return derToPem(signedStructure(tbs, signer), 'X509 CRL');
}

function timeOf(node: forge.asn1.Asn1): Date {
  const v = node.value as string;
  return node.type === asn1.Type.UTCTIME ? asn1.utcTimeToDate(v) : asn1.generalizedTimeToDate(v);
}

function isTime(node: forge.asn1.Asn1 | undefined): boolean {
  return node !== undefined && node.tagClass === asn1.Class.UNIVERSAL && (node.type === asn1.Type.UTCTIME || node.type === asn1.Type.GENERALIZEDTIME);
}

/** Reads a CRL from PEM or DER bytes. Throws `pki.malformed_crl`. */
export function parseCrl(data: Buffer): ParsedCrl {
  try {
    const text = data.subarray(0, 64).toString('latin1');
    const der = text.includes('-----BEGIN') ? Buffer.from(data.toString('latin1').replace(/-----[^-]+-----|\s+/g, ''), 'base64') : data;
    const outer = readDer(der);
    const [tbsEl, algEl, sigEl] = derChildren(der, outer);
    if (!tbsEl || !algEl || !sigEl) throw new Error('CertificateList needs three fields');
    const tbsFields = derChildren(der, tbsEl);
    const tbsNodes = (fromDer(derBytes(der, tbsEl)).value as forge.asn1.Asn1[]).slice();
    let i = tbsNodes[0]?.type === asn1.Type.INTEGER && tbsNodes[0].tagClass === asn1.Class.UNIVERSAL ? 1 : 0;
    const issuerEl = tbsFields[i + 1];
    if (!issuerEl) throw new Error('no issuer');
    i += 2;
    const thisNode = tbsNodes[i];
    if (!thisNode || !isTime(thisNode)) throw new Error('no thisUpdate');
    const crl: ParsedCrl = {
      issuer: derBytes(der, issuerEl),
      thisUpdate: timeOf(thisNode),
      revoked: new Map(),
      tbs: derBytes(der, tbsEl),
      signatureOid: asn1.derToOid((fromDer(derBytes(der, algEl)).value as forge.asn1.Asn1[])[0]!.value as string),
      signature: der.subarray(sigEl.contentStart + 1, sigEl.end),
    };
    i++;
    if (isTime(tbsNodes[i])) crl.nextUpdate = timeOf(tbsNodes[i++]!);
    const list = tbsNodes[i];
    if (list && list.tagClass === asn1.Class.UNIVERSAL && list.type === asn1.Type.SEQUENCE) {
      for (const entry of list.value as forge.asn1.Asn1[]) {
        const [serial, date] = entry.value as forge.asn1.Asn1[];
        if (!serial || !date) throw new Error('bad revoked entry');
        crl.revoked.set(normalizeSerial(forge.util.bytesToHex(serial.value as string)), timeOf(date));
      }
    }
    return crl;
  } catch (e) {
    throw new HubError('pki.malformed_crl', `Unreadable CRL: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** True when `issuer` issued this CRL (same Name) and its signature verifies with the issuer's key. */
export function crlIssuedBy(crl: ParsedCrl, issuer: X509Certificate): boolean {
  if (!crl.issuer.equals(certificateFields(issuer).subject)) return false;
  const hash = hashOfSignatureOid(crl.signatureOid);
  if (!hash) return false;
  try {
    return verify(hash, crl.tbs, issuer.publicKey, crl.signature);
  } catch {
    return false;
  }
}
