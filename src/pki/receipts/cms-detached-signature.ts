/**
 * Detached CMS SignedData (RFC 5652): small fields encoded with forge ASN.1, composed
 * byte-exactly around the embedded certificate; the private-key operation is done by
 * the `HubSigner` (node:crypto). `openssl cms -verify` accepts the result.
 */
import { createHash, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { certificateFields } from '../asn1/certificate-fields.js';
import { derTlv, TAG } from '../asn1/der-writer.js';
import { timeToAsn1 } from '../asn1/x509-name.js';
import { toDer } from '../asn1/x509-signer.js';
import type { HubSigner } from './hub-signer.js';
import { OID } from './cms-oids.js';

const { asn1 } = forge;

function oid(o: string): Buffer {
  return toDer(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(o).getBytes()));
}
const NULL = Buffer.from([0x05, 0x00]);
const seq = (...p: Buffer[]): Buffer => derTlv(TAG.SEQUENCE, ...p);
const set = (...p: Buffer[]): Buffer => derTlv(TAG.SET, ...p);
const int = (n: number): Buffer => derTlv(TAG.INTEGER, Buffer.from([n]));

/** Signs `content` (detached: the content is not inside) and returns the DER ContentInfo. */
export function createCmsDetachedSignature(content: Buffer, signer: HubSigner, signingTime: Date = new Date()): Buffer {
  const cert = new X509Certificate(signer.certificatePem);
  const { issuer, serial } = certificateFields(cert);
  const attrs = [
    seq(oid(OID.contentType), set(oid(OID.data))),
    seq(oid(OID.signingTime), set(toDer(timeToAsn1(signingTime)))),
    seq(oid(OID.messageDigest), set(derTlv(TAG.OCTET_STRING, createHash('sha256').update(content).digest()))),
  ].sort(Buffer.compare); // DER: members of a SET OF in ascending order of their encodings
  // The signature covers the attributes encoded as a SET (tag 0x31), not as the [0] they are stored under.
  const signature = signer.sign(set(...attrs));
  const sigAlg = cert.publicKey.asymmetricKeyType === 'ec' ? seq(oid(OID.ecdsaWithSha256)) : seq(oid(OID.rsaEncryption), NULL);
  const signerInfo = seq(
    int(1),
    seq(issuer, derTlv(TAG.INTEGER, serial)),
    seq(oid(OID.sha256)),
    derTlv(TAG.CONTEXT_0, ...attrs),
    sigAlg,
    derTlv(TAG.OCTET_STRING, signature),
  );
  const signedData = seq(int(1), set(seq(oid(OID.sha256))), seq(oid(OID.data)), derTlv(TAG.CONTEXT_0, cert.raw), set(signerInfo));
  return seq(oid(OID.signedData), derTlv(TAG.CONTEXT_0, signedData));
}
