/**
 * Signs (or re-signs) an edXML message: drops any Signature in edXMLHeader and appends
 * an enveloped `ds:Signature` (URI="", enveloped-signature + C14N, X509Certificate in
 * KeyInfo, optional SigningTime) as the header's last child.
 */
import { createHash, createPrivateKey, sign, X509Certificate } from 'node:crypto';
import { DEFAULT_PARSE_LIMITS, EDXML_NS, XMLDSIG_NS } from '../../edxml/types.js';
import { parseXml } from '../../edxml/xml/parse-xml.js';
import type { XmlDocument, XmlElement } from '../../edxml/xml/tree.js';
import { HubError } from '../../shared/hub-error.js';
import { C14N_EXCLUSIVE, C14N_INCLUSIVE, DIGEST_METHODS_BY_HASH, ENVELOPED_SIGNATURE, SIGNATURE_METHODS_BY_NAME, type SignatureAlgorithmName } from './algorithms.js';
import { canonicalize, canonicalizeInto } from './canonicalize.js';
import type { HubSigner } from '../receipts/hub-signer.js';
import { derEcdsaToP1363 } from './ecdsa-signature-format.js';

interface SignEdxmlCommon {
  c14n: 'exclusive' | 'inclusive';
  /** Defaults to rsa-sha256 or ecdsa-sha256 after the key type. */
  algorithm?: SignatureAlgorithmName;
  /** Written as a SignatureProperty when given. */
  signingTime?: Date;
}

/**
 * Either an agency key and certificate (PEM), or the hub's own signer (for the status
 * messages the hub generates; its key never leaves the `HubSigner`).
 */
export type SignEdxmlOptions = SignEdxmlCommon & ({ keyPem: string; certPem: string } | { hubSigner: HubSigner });

const SIGNATURE_ID = 'edoc-hub-signature';
const SIGNING_TIME_NS = 'urn:edoc-hub:signing-time';

function elementChildren(el: XmlElement): XmlElement[] {
  return el.children.filter((c): c is XmlElement => c.type === 'element');
}

function findHeader(doc: XmlDocument): XmlElement {
  const envelope = elementChildren(doc.root).find((c) => c.localName === 'edXMLEnvelope');
  const header = envelope && elementChildren(envelope).find((c) => c.localName === 'edXMLHeader');
  if (!header) throw new HubError('pki.cannot_sign', 'No edXMLEnvelope/edXMLHeader to put the signature in');
  if (header.contentEnd === header.end) throw new HubError('pki.cannot_sign', 'edXMLHeader is empty');
  return header;
}

function isSignature(el: XmlElement): boolean {
  return el.localName === 'Signature' && (el.namespaceURI === XMLDSIG_NS || el.namespaceURI === EDXML_NS);
}

function lastSignature(doc: XmlDocument): XmlElement {
  const sig = elementChildren(findHeader(doc)).filter(isSignature).pop();
  if (!sig) throw new HubError('pki.cannot_sign', 'Signature template not found after insertion');
  return sig;
}

function childByName(el: XmlElement, localName: string): XmlElement {
  const stack = [el];
  while (stack.length > 0) {
    const e = stack.shift()!;
    if (e.localName === localName) return e;
    stack.push(...elementChildren(e));
  }
  throw new HubError('pki.cannot_sign', `${localName} not found in the signature template`);
}

function splice(bytes: Buffer, at: number, remove: number, insert: string): Buffer {
  return Buffer.concat([bytes.subarray(0, at), Buffer.from(insert, 'utf8'), bytes.subarray(at + remove)]);
}

/** Signs an edXML document; the output verifies with `verifyEdxmlSignature` and with xml-crypto. */
export function signEdxml(bytes: Buffer, opts: SignEdxmlOptions): Buffer {
  const certPem = 'hubSigner' in opts ? opts.hubSigner.certificatePem : opts.certPem;
  const cert = new X509Certificate(certPem);
  const keyType = cert.publicKey.asymmetricKeyType;
  const algName = opts.algorithm ?? (keyType === 'ec' ? 'ecdsa-sha256' : 'rsa-sha256');
  const method = SIGNATURE_METHODS_BY_NAME.get(algName);
  if (!method) throw new HubError('pki.cannot_sign', `Unknown algorithm "${algName}"`);
  if (method.keyType !== keyType) throw new HubError('pki.cannot_sign', `A ${String(keyType)} key cannot make ${algName} signatures`);
  let signValue: (data: Buffer) => Buffer;
  if ('hubSigner' in opts) {
    const hub = opts.hubSigner;
    if (method.hash !== 'sha256') throw new HubError('pki.cannot_sign', 'The hub signer signs with SHA-256 only');
    // The HubSigner returns DER ECDSA (as CMS wants); XML-DSig wants r||s.
    signValue = (data) => (keyType === 'ec' ? derEcdsaToP1363(hub.sign(data), 32) : hub.sign(data));
  } else {
    const key = createPrivateKey(opts.keyPem);
    if (key.asymmetricKeyType !== keyType) throw new HubError('pki.cannot_sign', 'The private key does not match the certificate');
    signValue = (data) => (keyType === 'ec' ? sign(method.hash, data, { key, dsaEncoding: 'ieee-p1363' }) : sign(method.hash, data, key));
  }
  const digestMethod = DIGEST_METHODS_BY_HASH.get(method.hash)!;
  const c14nUri = opts.c14n === 'exclusive' ? C14N_EXCLUSIVE : C14N_INCLUSIVE;
  const certB64 = cert.raw.toString('base64');

  // 1. Remove old signatures (from the end, so offsets stay valid) and insert the template.
  const doc0 = parseXml(bytes, DEFAULT_PARSE_LIMITS);
  const header0 = findHeader(doc0);
  let out = bytes;
  const old = elementChildren(header0).filter(isSignature).reverse();
  let insertAt = header0.contentEnd;
  for (const s of old) {
    out = splice(out, s.start, s.end - s.start, '');
    insertAt -= s.end - s.start;
  }
  const signingTime = opts.signingTime
    ? `<ds:Object><ds:SignatureProperties><ds:SignatureProperty Target="#${SIGNATURE_ID}"><SigningTime xmlns="${SIGNING_TIME_NS}">${opts.signingTime.toISOString()}</SigningTime></ds:SignatureProperty></ds:SignatureProperties></ds:Object>`
    : '';
  const template =
    `<ds:Signature xmlns:ds="${XMLDSIG_NS}" Id="${SIGNATURE_ID}"><ds:SignedInfo>` +
    `<ds:CanonicalizationMethod Algorithm="${c14nUri}"/><ds:SignatureMethod Algorithm="${method.uri}"/>` +
    `<ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="${ENVELOPED_SIGNATURE}"/><ds:Transform Algorithm="${c14nUri}"/></ds:Transforms>` +
    `<ds:DigestMethod Algorithm="${digestMethod.uri}"/><ds:DigestValue></ds:DigestValue></ds:Reference></ds:SignedInfo>` +
    `<ds:SignatureValue></ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certB64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>` +
    `${signingTime}</ds:Signature>`;
  out = splice(out, insertAt, 0, template);

  // 2. Digest of the document without the signature.
  const doc1 = parseXml(out, DEFAULT_PARSE_LIMITS);
  const sig1 = lastSignature(doc1);
  const hash = createHash(method.hash);
  canonicalizeInto(doc1, 'document', hash, { kind: opts.c14n, exclude: sig1 });
  out = splice(out, childByName(sig1, 'DigestValue').contentStart, 0, hash.digest('base64'));

  // 3. Sign the canonical SignedInfo in its place in the document.
  const doc2 = parseXml(out, DEFAULT_PARSE_LIMITS);
  const sig2 = lastSignature(doc2);
  const signedInfo = canonicalize(doc2, childByName(sig2, 'SignedInfo'), { kind: opts.c14n });
  const value = signValue(signedInfo);
  return splice(out, childByName(sig2, 'SignatureValue').contentStart, 0, value.toString('base64'));
}
