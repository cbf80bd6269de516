/**
 * Verifies the enveloped XML signature of an edXML message on the very tree the
 * reader read (no second parse, so the node that is verified is the node that is read).
 * Returns a verdict; never throws for a bad signature.
 */
import { constants, createHash, verify, type KeyObject, type X509Certificate } from 'node:crypto';
import type { EdxmlMessage } from '../../edxml/types.js';
import type { XmlDocument, XmlElement } from '../../edxml/xml/tree.js';
import { HubError, isHubError } from '../../shared/hub-error.js';
import { identityOfCertificate } from '../identity-of-certificate.js';
import type { TrustStore } from '../trust-store.js';
import { assertStrongKey } from '../trust-store.js';
import { canonicalize, canonicalizeInto } from './canonicalize.js';
import type { SignatureVerdict } from './signature-verdict.js';
import { readSignatureElement, type ParsedSignature } from './xml-dsig-element.js';

export interface VerifyContext {
  trust: TrustStore;
  /** From/OrganId of the message: the certificate must belong to it (or be pinned). */
  expectedOrganId: string;
  /** SHA-256 fingerprints the directory pins for the agency (any case, colons optional). */
  pinnedFingerprints?: string[];
  /** Accept RSA-SHA1 and SHA-1 digests (legacy policy). */
  allowSha1: boolean;
  now: Date;
}

function fail(code: string, reason: string): HubError {
  return new HubError(code, reason, { status: 422 });
}

const ID_NAMES = new Set(['Id', 'ID', 'id']);

/** Strict base64 (whitespace already removed); null when it is not. */
function base64(s: string): Buffer | null {
  if (s.length === 0 || s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return null;
  return Buffer.from(s, 'base64');
}

function findElementAt(root: XmlElement, start: number): XmlElement | null {
  const stack: XmlElement[] = [root];
  while (stack.length > 0) {
    const el = stack.pop()!;
    if (el.start === start) return el;
    for (const c of el.children) if (c.type === 'element' && c.start <= start && start < c.end) stack.push(c);
  }
  return null;
}

/** Every Id/ID/id value must be unique, or an `#id` reference could mean two nodes. */
function assertUniqueIds(root: XmlElement): void {
  const seen = new Set<string>();
  const stack: XmlElement[] = [root];
  while (stack.length > 0) {
    const el = stack.pop()!;
    for (const a of el.attributes) {
      if (!ID_NAMES.has(a.localName)) continue;
      if (seen.has(a.value)) throw fail('pki.duplicate_id', `The id "${a.value}" appears more than once (line ${el.line})`);
      seen.add(a.value);
    }
    for (const c of el.children) if (c.type === 'element') stack.push(c);
  }
}

function isInEdxmlHeader(sig: XmlElement, root: XmlElement): boolean {
  const header = sig.parent;
  const envelope = header?.parent;
  return header?.localName === 'edXMLHeader' && envelope?.localName === 'edXMLEnvelope' && envelope.parent === root;
}

function verifySignatureValue(p: ParsedSignature, data: Buffer, key: KeyObject, sig: Buffer): boolean {
  const type = key.asymmetricKeyType;
  const m = p.signatureMethod;
  if (m.keyType === 'rsa') {
    if (type !== 'rsa') return false;
    return verify(m.hash, data, { key, padding: constants.RSA_PKCS1_PADDING }, sig);
  }
  if (type !== 'ec') return false;
  // XML-DSig ECDSA values are r||s (RFC 4050/6931); accept DER too, as some toolkits write it.
  return verify(m.hash, data, { key, dsaEncoding: 'ieee-p1363' }, sig) || verify(m.hash, data, { key, dsaEncoding: 'der' }, sig);
}

function pickLeaf(certs: X509Certificate[]): X509Certificate {
  return certs.find((c) => !c.ca) ?? certs[0]!;
}

function normalizeFingerprint(f: string): string {
  return f.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
}

function check(doc: XmlDocument, message: EdxmlMessage, ctx: VerifyContext): SignatureVerdict {
  if (message.signatures.length === 0) return { status: 'missing' };
  if (message.signatures.length > 1) throw fail('pki.multiple_signatures', `The message carries ${message.signatures.length} signatures; exactly one may count`);
  const loc = message.signatures[0]!;
  const sigEl = findElementAt(doc.root, loc.start);
  if (!sigEl) throw fail('pki.malformed_signature', 'The Signature element was not found in the tree');
  if (!isInEdxmlHeader(sigEl, doc.root)) throw fail('pki.malformed_signature', `The Signature is at ${loc.parentPath}, not in edXMLEnvelope/edXMLHeader`);

  const p = readSignatureElement(doc, sigEl, { allowSha1: ctx.allowSha1 });
  if (p.reference.uri !== '') {
    const rootId = doc.root.attributes.find((a) => ID_NAMES.has(a.localName) && a.value === p.reference.uri);
    if (!rootId) throw fail('pki.external_reference', `Reference "#${p.reference.uri}" does not point at the document root`);
  }
  assertUniqueIds(doc.root);
  const leaf = pickLeaf(p.certificates);
  assertStrongKey(leaf);

  // Digest of the referenced node-set: the whole document (or the root by id), minus this Signature.
  const expected = base64(p.reference.digestValue);
  const c14n = p.reference.canonicalization;
  const digestOf = (target: XmlElement | 'document'): Buffer => {
    const hash = createHash(p.reference.digestMethod.hash);
    canonicalizeInto(doc, target, hash, {
      kind: c14n.kind,
      // Same-document references never carry comments (XML-DSig §4.3.3.3), whatever the transform says.
      withComments: false,
      inclusivePrefixes: c14n.inclusivePrefixes,
      exclude: p.reference.enveloped ? sigEl : null,
    });
    return hash.digest();
  };
  let matches = expected !== null && digestOf(p.reference.uri === '' ? 'document' : doc.root).equals(expected);
  // Some toolkits (xml-crypto among them) digest only the root element for URI="", leaving out
  // processing instructions around it. Those PIs are not part of what the reader reads, so
  // accepting that digest too opens nothing.
  if (!matches && expected !== null && p.reference.uri === '' && [...doc.prolog, ...doc.epilog].some((n) => n.type === 'pi')) {
    matches = digestOf(doc.root).equals(expected);
  }
  if (!matches) throw fail('pki.bad_digest', 'The document does not match the signed digest (it was changed after signing)');

  const signedInfo = canonicalize(doc, p.signedInfo, {
    kind: p.canonicalization.kind,
    withComments: p.canonicalization.withComments,
    inclusivePrefixes: p.canonicalization.inclusivePrefixes,
  });
  const sigBytes = base64(p.signatureValue);
  if (!sigBytes || !verifySignatureValue(p, signedInfo, leaf.publicKey, sigBytes)) {
    throw fail('pki.bad_signature_value', 'The signature value does not verify with the certificate in KeyInfo');
  }

  const at = p.signingTime ? [p.signingTime, ctx.now] : [ctx.now];
  ctx.trust.checkCertificate([leaf, ...p.certificates.filter((c) => c !== leaf)], { at });

  const identity = identityOfCertificate(leaf);
  const pinned = (ctx.pinnedFingerprints ?? []).map(normalizeFingerprint).includes(normalizeFingerprint(leaf.fingerprint256));
  if (!pinned && !identity.organIds.includes(ctx.expectedOrganId)) {
    throw fail('pki.wrong_agency', `The certificate belongs to ${identity.organIds.join(', ') || 'no agency'}, not to ${ctx.expectedOrganId}`);
  }
  const signer: Extract<SignatureVerdict, { status: 'valid' }>['signer'] = {
    subject: leaf.subject.split('\n').join(', '),
    serialNumber: leaf.serialNumber,
    fingerprint256: leaf.fingerprint256,
    algorithm: p.signatureMethod.name,
    organIds: identity.organIds,
  };
  if (p.signingTime) signer.signingTime = p.signingTime.toISOString();
  return { status: 'valid', signer };
}

/**
 * Checks the one enveloped signature of `message` (read from `doc`). `missing` when
 * there is none; `invalid` with a `pki.*` code and a reason for every refusal.
 */
export function verifyEdxmlSignature(doc: XmlDocument, message: EdxmlMessage, ctx: VerifyContext): SignatureVerdict {
  try {
    return check(doc, message, ctx);
  } catch (e) {
    if (isHubError(e) && e.code.startsWith('pki.')) return { status: 'invalid', code: e.code, reason: e.message };
    if (isHubError(e)) return { status: 'invalid', code: 'pki.malformed_signature', reason: e.message };
    // Key/crypto library errors on hostile input (odd curves, broken keys) are refusals, not crashes.
    if (e instanceof Error && 'code' in e && typeof e.code === 'string' && e.code.startsWith('ERR_')) {
      return { status: 'invalid', code: 'pki.malformed_signature', reason: e.message };
    }
    throw e;
  }
}
