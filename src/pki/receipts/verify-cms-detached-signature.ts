/** Offline check of a detached CMS SignedData made by the hub (our own reader, no OpenSSL CLI). */
import { createHash, verify, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { HubError } from '../../shared/hub-error.js';
import { certificateFields } from '../asn1/certificate-fields.js';
import { derBytes, derChildren, derContent, readDer, type DerElement } from '../asn1/der-reader.js';
import { OID } from './cms-oids.js';
import { HUB_SIGNER_URN, isHubSigningCertificate } from '../identity-of-certificate.js';

/** The signer of a verified CMS signature. */
export interface CmsSigner {
  subject: string;
  serialNumber: string;
  fingerprint256: string;
  signingTime?: string;
}

function oidOf(buf: Buffer, el: DerElement | undefined): string {
  if (!el || el.tag !== 0x06) throw new HubError('pki.malformed_receipt', 'Expected an OID');
  return forge.asn1.derToOid(derContent(buf, el).toString('binary'));
}

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new HubError('pki.malformed_receipt', `CMS structure incomplete: ${what}`);
  return v;
}

/**
 * Verifies `signatureDer` over `content` and that the signer certificate is the hub's
 * signing certificate, issued by `caCertPem` and valid at the signing time. Throws `HubError` (`pki.*`) when not.
 */
export function verifyCmsDetachedSignature(content: Buffer, signatureDer: Buffer, caCertPem: string): CmsSigner {
  const der = signatureDer;
  let ca: X509Certificate;
  try {
    ca = new X509Certificate(caCertPem);
  } catch {
    throw new HubError('pki.untrusted_chain', 'The CA certificate is unreadable');
  }
  const ci = derChildren(der, readDer(der));
  if (oidOf(der, ci[0]) !== OID.signedData) throw new HubError('pki.malformed_receipt', 'Not a CMS SignedData');
  const sd = derChildren(der, need(derChildren(der, need(ci[1], 'content'))[0], 'SignedData'));
  let i = 3;
  const certs: X509Certificate[] = [];
  if (sd[i]?.tag === 0xa0) {
    for (const c of derChildren(der, sd[i]!)) certs.push(new X509Certificate(derBytes(der, c)));
    i++;
  }
  if (sd[i]?.tag === 0xa1) i++;
  const signerInfos = derChildren(der, need(sd[i], 'signerInfos'));
  if (signerInfos.length !== 1) throw new HubError('pki.malformed_receipt', `Expected one SignerInfo, found ${signerInfos.length}`);
  const si = derChildren(der, signerInfos[0]!);
  const sid = derChildren(der, need(si[1], 'sid'));
  const sidIssuer = derBytes(der, need(sid[0], 'sid issuer'));
  const sidSerial = derContent(der, need(sid[1], 'sid serial'));
  const signerCert = certs.find((c) => {
    const f = certificateFields(c);
    return f.issuer.equals(sidIssuer) && f.serial.equals(sidSerial);
  });
  if (!signerCert) throw new HubError('pki.malformed_receipt', 'The signer certificate is not included');
  const attrsEl = need(si[3], 'signedAttrs');
  if (attrsEl.tag !== 0xa0) throw new HubError('pki.malformed_receipt', 'Signed attributes are required');

  let digest: Buffer | undefined;
  let signingTime: Date | undefined;
  for (const attr of derChildren(der, attrsEl)) {
    const [o, values] = derChildren(der, attr);
    const id = oidOf(der, o);
    const v = derChildren(der, need(values, 'attribute values'))[0];
    if (!v) continue;
    if (id === OID.messageDigest) digest = derContent(der, v);
    if (id === OID.signingTime) {
      const s = derContent(der, v).toString('latin1');
      signingTime = v.tag === 0x17 ? forge.asn1.utcTimeToDate(s) : forge.asn1.generalizedTimeToDate(s);
    }
  }
  if (!digest || !digest.equals(createHash('sha256').update(content).digest())) {
    throw new HubError('pki.bad_digest', 'The receipt content does not match the signed digest');
  }
  const signedAttrs = Buffer.concat([Buffer.from([0x31]), der.subarray(attrsEl.start + 1, attrsEl.end)]);
  const signature = derContent(der, need(si[5], 'signature'));
  let ok: boolean;
  try {
    ok = verify('sha256', signedAttrs, signerCert.publicKey, signature);
  } catch {
    ok = false;
  }
  if (!ok) throw new HubError('pki.bad_signature_value', 'The receipt signature does not verify');
  if (!signerCert.checkIssued(ca) || !signerCert.verify(ca.publicKey)) {
    throw new HubError('pki.untrusted_chain', 'The receipt was not signed by a certificate of this CA');
  }
  if (!isHubSigningCertificate(signerCert)) {
    throw new HubError('pki.not_hub_signer', `The receipt was signed by ${signerCert.subject.split('\n').join(', ')}, not by the hub's signing certificate (SAN URI ${HUB_SIGNER_URN})`);
  }
  const at = signingTime ?? new Date();
  if (at < new Date(signerCert.validFrom) || at > new Date(signerCert.validTo)) {
    throw new HubError('pki.cert_expired', `The signing certificate was not valid at ${at.toISOString()}`);
  }
  const signer: CmsSigner = { subject: signerCert.subject.split('\n').join(', '), serialNumber: signerCert.serialNumber, fingerprint256: signerCert.fingerprint256 };
  if (signingTime) signer.signingTime = signingTime.toISOString();
  return signer;
}
