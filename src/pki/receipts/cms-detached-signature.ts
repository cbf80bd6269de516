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
// Constant DER pieces, encoded once.
const DER = {
  contentTypeOid: oid(OID.contentType),
  signingTimeOid: oid(OID.signingTime),
  messageDigestOid: oid(OID.messageDigest),
  dataOid: oid(OID.data),
  sha256Oid: oid(OID.sha256),
  signedDataOid: oid(OID.signedData),
  ecdsaAlg: derTlv(TAG.SEQUENCE, oid(OID.ecdsaWithSha256)),
  rsaAlg: derTlv(TAG.SEQUENCE, oid(OID.rsaEncryption), NULL),
};

interface SignerParts {
  certDer: Buffer;
  sid: Buffer;
  sigAlg: Buffer;
}
/** Certificate-derived parts per signer: parsing the certificate costs more than the ECDSA signature. */
const partsBySigner = new WeakMap<HubSigner, SignerParts>();

function signerParts(signer: HubSigner): SignerParts {
  let parts = partsBySigner.get(signer);
  if (!parts) {
    const cert = new X509Certificate(signer.certificatePem);
    const { issuer, serial } = certificateFields(cert);
    parts = {
      certDer: cert.raw,
      sid: derTlv(TAG.SEQUENCE, issuer, derTlv(TAG.INTEGER, serial)),
      sigAlg: cert.publicKey.asymmetricKeyType === 'ec' ? DER.ecdsaAlg : DER.rsaAlg,
    };
    partsBySigner.set(signer, parts);
  }
  return parts;
}
const seq = (...p: Buffer[]): Buffer => derTlv(TAG.SEQUENCE, ...p);
const set = (...p: Buffer[]): Buffer => derTlv(TAG.SET, ...p);
const int = (n: number): Buffer => derTlv(TAG.INTEGER, Buffer.from([n]));

/** UTCTime has a one-second resolution: encode each second once. */
let lastTime: { second: number; der: Buffer } | null = null;
function signingTimeDer(d: Date): Buffer {
  const second = Math.floor(d.getTime() / 1000);
  if (lastTime?.second !== second) lastTime = { second, der: toDer(timeToAsn1(d)) };
  return lastTime.der;
}

/** Signs `content` (detached: the content is not inside) and returns the DER ContentInfo. */
export function createCmsDetachedSignature(content: Buffer, signer: HubSigner, signingTime: Date = new Date()): Buffer {
  const { certDer, sid, sigAlg } = signerParts(signer);
  const attrs = [
    seq(DER.contentTypeOid, set(DER.dataOid)),
    seq(DER.signingTimeOid, set(signingTimeDer(signingTime))),
    seq(DER.messageDigestOid, set(derTlv(TAG.OCTET_STRING, createHash('sha256').update(content).digest()))),
  ].sort(Buffer.compare); // DER: members of a SET OF in ascending order of their encodings
  // The signature covers the attributes encoded as a SET (tag 0x31), not as the [0] they are stored under.
  const signature = signer.sign(set(...attrs));
  const signerInfo = seq(
    int(1),
    sid,
    seq(DER.sha256Oid),
    derTlv(TAG.CONTEXT_0, ...attrs),
    sigAlg,
    derTlv(TAG.OCTET_STRING, signature),
  );
  const signedData = seq(int(1), set(seq(DER.sha256Oid)), seq(DER.dataOid), derTlv(TAG.CONTEXT_0, certDer), set(signerInfo));
  return seq(DER.signedDataOid, derTlv(TAG.CONTEXT_0, signedData));
}
