/** Reads the parts of a `Signature` element the verifier needs, refusing every shape it does not allow. */
import type { X509Certificate } from 'node:crypto';
import { XMLDSIG_NS } from '../../edxml/types.js';
import type { XmlDocument, XmlElement } from '../../edxml/xml/tree.js';
import { HubError } from '../../shared/hub-error.js';
import { createCertificateCache } from '../certificate-cache.js';
import { C14N_METHODS, DIGEST_METHODS_BY_URI, ENVELOPED_SIGNATURE, SIGNATURE_METHODS_BY_URI, type C14nMethod, type DigestMethod, type SignatureMethod } from './algorithms.js';

const EXC_C14N_NS = 'http://www.w3.org/2001/10/xml-exc-c14n#';

/** Process-wide memo: the same agency certificates arrive with every message. */
const certificates = createCertificateCache();

/** A Signature element as the verifier understands it. */
export interface ParsedSignature {
  element: XmlElement;
  signedInfo: XmlElement;
  canonicalization: C14nMethod & { inclusivePrefixes: string[] };
  signatureMethod: SignatureMethod;
  reference: {
    /** `''` for the whole document, or the id after `#`. */
    uri: string;
    enveloped: boolean;
    /** The c14n transform; inclusive C14N 1.0 when none is given (XML-DSig §4.3.3.2). */
    canonicalization: C14nMethod & { inclusivePrefixes: string[] };
    digestMethod: DigestMethod;
    digestValue: string;
  };
  signatureValue: string;
  /** Certificates from KeyInfo/X509Data, in document order. */
  certificates: X509Certificate[];
  signingTime?: Date;
}

function fail(code: string, reason: string): HubError {
  return new HubError(code, reason, { status: 422 });
}

function elementChildren(el: XmlElement): XmlElement[] {
  return el.children.filter((c): c is XmlElement => c.type === 'element');
}

/** Children in the XML-DSig namespace (or the Signature's own, for producers that put it in edXML's). */
function dsChildren(el: XmlElement, ns: string, localName: string): XmlElement[] {
  return elementChildren(el).filter((c) => c.localName === localName && (c.namespaceURI === XMLDSIG_NS || c.namespaceURI === ns));
}

function one(el: XmlElement, ns: string, localName: string): XmlElement {
  const found = dsChildren(el, ns, localName);
  if (found.length !== 1) throw fail('pki.malformed_signature', `${el.localName} must have exactly one ${localName}, found ${found.length}`);
  return found[0]!;
}

function attr(el: XmlElement, name: string): string | undefined {
  return el.attributes.find((a) => a.namespaceURI === null && a.localName === name)?.value;
}

function c14nOf(el: XmlElement, algorithm: string | undefined): (C14nMethod & { inclusivePrefixes: string[] }) | null {
  const method = algorithm === undefined ? undefined : C14N_METHODS.get(algorithm);
  if (!method) return null;
  const inc = elementChildren(el).find((c) => c.localName === 'InclusiveNamespaces' && c.namespaceURI === EXC_C14N_NS);
  const list = inc ? (attr(inc, 'PrefixList') ?? '').split(/\s+/).filter((p) => p !== '') : [];
  return { ...method, inclusivePrefixes: method.kind === 'exclusive' ? list : [] };
}

/** Parses the structure and algorithms; throws `HubError` with a `pki.*` code. */
export function readSignatureElement(doc: XmlDocument, sig: XmlElement, opts: { allowSha1: boolean }): ParsedSignature {
  const ns = sig.namespaceURI ?? XMLDSIG_NS;
  const signedInfo = one(sig, ns, 'SignedInfo');
  const cm = one(signedInfo, ns, 'CanonicalizationMethod');
  const canonicalization = c14nOf(cm, attr(cm, 'Algorithm'));
  if (!canonicalization) throw fail('pki.forbidden_transform', `Canonicalization method "${attr(cm, 'Algorithm') ?? ''}" is not allowed`);

  const sm = one(signedInfo, ns, 'SignatureMethod');
  const smUri = attr(sm, 'Algorithm') ?? '';
  const signatureMethod = SIGNATURE_METHODS_BY_URI.get(smUri);
  if (!signatureMethod) throw fail('pki.weak_algorithm', `Signature method "${smUri}" is not accepted`);
  if (signatureMethod.legacy && !opts.allowSha1) throw fail('pki.weak_algorithm', `Signature method ${signatureMethod.name} (SHA-1) is not allowed for this agency`);

  const refs = dsChildren(signedInfo, ns, 'Reference');
  if (refs.length !== 1) throw fail(refs.length === 0 ? 'pki.malformed_signature' : 'pki.external_reference', `SignedInfo must have exactly one Reference, found ${refs.length}`);
  const ref = refs[0]!;
  const uriAttr = attr(ref, 'URI');
  if (uriAttr === undefined || (uriAttr !== '' && !/^#[^\s#()]+$/.test(uriAttr))) {
    throw fail('pki.external_reference', `Reference URI ${uriAttr === undefined ? '(absent)' : `"${uriAttr}"`} is not the whole document ("") or the root's id`);
  }

  let enveloped = false;
  let refC14n: (C14nMethod & { inclusivePrefixes: string[] }) | null = null;
  const transformsEls = dsChildren(ref, ns, 'Transforms');
  if (transformsEls.length > 1) throw fail('pki.malformed_signature', 'Reference has more than one Transforms');
  for (const tr of transformsEls[0] ? dsChildren(transformsEls[0], ns, 'Transform') : []) {
    const alg = attr(tr, 'Algorithm') ?? '';
    if (refC14n) throw fail('pki.forbidden_transform', 'Nothing may follow the canonicalization transform');
    if (alg === ENVELOPED_SIGNATURE) {
      enveloped = true;
      continue;
    }
    refC14n = c14nOf(tr, alg);
    if (!refC14n) throw fail('pki.forbidden_transform', `Transform "${alg}" is not allowed (only enveloped-signature and C14N)`);
  }
  if (transformsEls[0] && elementChildren(transformsEls[0]).length !== dsChildren(transformsEls[0], ns, 'Transform').length) {
    throw fail('pki.forbidden_transform', 'Transforms holds something other than Transform');
  }

  const dm = one(ref, ns, 'DigestMethod');
  const dmUri = attr(dm, 'Algorithm') ?? '';
  const digestMethod = DIGEST_METHODS_BY_URI.get(dmUri);
  if (!digestMethod) throw fail('pki.weak_algorithm', `Digest method "${dmUri}" is not accepted`);
  if (digestMethod.legacy && !opts.allowSha1) throw fail('pki.weak_algorithm', 'SHA-1 digests are not allowed for this agency');

  const keyInfo = one(sig, ns, 'KeyInfo');
  const certs: X509Certificate[] = [];
  for (const k of elementChildren(keyInfo)) {
    if (k.localName === 'KeyName' || k.localName === 'KeyValue') continue; // informative only: the certificate decides
    if (k.localName !== 'X509Data') throw fail('pki.malformed_signature', `KeyInfo/${k.localName} is not allowed (only inline X509Data)`);
    for (const x of elementChildren(k)) {
      if (x.localName !== 'X509Certificate') continue;
      const b64 = doc.textContent(x).replace(/\s+/g, '');
      try {
        certs.push(certificates.fromBase64(b64));
      } catch {
        throw fail('pki.malformed_signature', 'KeyInfo holds an unreadable X509Certificate');
      }
    }
  }
  if (certs.length === 0) throw fail('pki.malformed_signature', 'KeyInfo has no X509Certificate');

  const parsed: ParsedSignature = {
    element: sig,
    signedInfo,
    canonicalization,
    signatureMethod,
    reference: {
      uri: uriAttr === '' ? '' : uriAttr.slice(1),
      enveloped,
      canonicalization: refC14n ?? { kind: 'inclusive', withComments: false, inclusivePrefixes: [] },
      digestMethod,
      digestValue: doc.textContent(one(ref, ns, 'DigestValue')).replace(/\s+/g, ''),
    },
    signatureValue: doc.textContent(one(sig, ns, 'SignatureValue')).replace(/\s+/g, ''),
    certificates: certs,
  };
  const signingTime = findSigningTime(doc, sig);
  if (signingTime) parsed.signingTime = signingTime;
  return parsed;
}

/** A `SigningTime` anywhere under the Signature's Object elements (SignatureProperties or XAdES). */
function findSigningTime(doc: XmlDocument, sig: XmlElement): Date | undefined {
  const stack = elementChildren(sig).filter((c) => c.localName === 'Object');
  while (stack.length > 0) {
    const el = stack.pop()!;
    if (el.localName === 'SigningTime') {
      const d = new Date(doc.textContent(el).trim());
      return Number.isNaN(d.getTime()) ? undefined : d;
    }
    stack.push(...elementChildren(el));
  }
  return undefined;
}
