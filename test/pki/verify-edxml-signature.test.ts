import t from 'tap';
import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readEdxmlDocument } from '../../src/edxml/read-edxml.js';
import { createTrustStore } from '../../src/pki/trust-store.js';
import { signEdxml, type SignEdxmlOptions } from '../../src/pki/xmldsig/sign-edxml.js';
import { verifyEdxmlSignature, type VerifyContext } from '../../src/pki/xmldsig/verify-edxml-signature.js';
import type { SignatureVerdict } from '../../src/pki/xmldsig/signature-verdict.js';
import { AGENCY_A, AGENCY_B, makePkiFixtures } from './helpers/pki-fixtures.js';
import { sampleEdxml } from './helpers/sample-edxml.js';
import { prng } from '../helpers/prng.js';

const fx = makePkiFixtures();
t.teardown(fx.cleanup);
const trust = createTrustStore({ trustDir: fx.layout.trustDir, crlDir: fx.layout.crlDir });
const ctx = (over: Partial<VerifyContext> = {}): VerifyContext => ({ trust, expectedOrganId: AGENCY_A, allowSha1: false, now: new Date(), ...over });

function verify(bytes: Buffer, over: Partial<VerifyContext> = {}): SignatureVerdict {
  const { message, doc } = readEdxmlDocument(bytes);
  return verifyEdxmlSignature(doc, message, ctx({ expectedOrganId: message.from.organId, ...over }));
}
const signA = (bytes: Buffer, o: Partial<SignEdxmlOptions> = {}): Buffer => signEdxml(bytes, { keyPem: fx.agencyA.keyPem, certPem: fx.agencyA.certPem, c14n: 'exclusive', ...o });
const code = (v: SignatureVerdict): string => (v.status === 'invalid' ? v.code : v.status);

t.test('valid signatures: inclusive and exclusive C14N, RSA and ECDSA, SHA-2 family', async (t) => {
  for (const c14n of ['inclusive', 'exclusive'] as const) {
    const rsa = verify(signA(sampleEdxml(), { c14n }));
    t.equal(rsa.status, 'valid', `RSA ${c14n}`);
    if (rsa.status === 'valid') {
      t.equal(rsa.signer.algorithm, 'rsa-sha256');
      t.same(rsa.signer.organIds, [AGENCY_A]);
      t.equal(rsa.signer.fingerprint256, new X509Certificate(fx.agencyA.certPem).fingerprint256);
    }
    const ec = verify(signA(sampleEdxml(), { c14n, keyPem: fx.agencyAEcdsa.keyPem, certPem: fx.agencyAEcdsa.certPem }));
    t.equal(code(ec), 'valid', `ECDSA ${c14n}`);
  }
  for (const algorithm of ['rsa-sha384', 'rsa-sha512'] as const) t.equal(code(verify(signA(sampleEdxml(), { algorithm }))), 'valid', algorithm);
  t.equal(code(verify(signA(sampleEdxml(), { keyPem: fx.agencyAEcdsa.keyPem, certPem: fx.agencyAEcdsa.certPem, algorithm: 'ecdsa-sha512' }))), 'valid');
  const when = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
  const timed = verify(signA(sampleEdxml(), { signingTime: when }));
  t.equal(timed.status === 'valid' ? timed.signer.signingTime : code(timed), when.toISOString());
});

t.test('the hub signs its own status messages through the HubSigner', async (t) => {
  const { loadHubSigner } = await import('../../src/pki/receipts/hub-signer.js');
  const hub = loadHubSigner(fx.dir);
  const pin = new X509Certificate(hub.certificatePem).fingerprint256;
  // Many signatures, so r or s with leading zero bytes (1 in 128) are exercised by the DER → r||s conversion.
  for (let i = 0; i < 40; i++) {
    const signed = signEdxml(sampleEdxml({ subject: `Thông báo ${i}` }), { hubSigner: hub, c14n: 'exclusive', signingTime: new Date() });
    const v = verify(signed, { pinnedFingerprints: [pin] });
    if (v.status !== 'valid') {
      t.fail(`hub signature ${i}: ${code(v)}`);
      return;
    }
  }
  t.pass('40 hub-signed messages verify (ECDSA P-256, pinned hub certificate)');
  t.equal(code(verify(signEdxml(sampleEdxml(), { hubSigner: hub, c14n: 'inclusive' }))), 'pki.wrong_agency', 'without the pin the hub is not the sender');
  t.throws(() => signEdxml(sampleEdxml(), { hubSigner: hub, c14n: 'inclusive', algorithm: 'ecdsa-sha512' }), { code: 'pki.cannot_sign' });
});

t.test('re-signing replaces the old signature', async (t) => {
  const twice = signA(signA(sampleEdxml()), { c14n: 'inclusive' });
  t.equal(twice.toString().split('<ds:Signature ').length, 2, 'one signature');
  t.equal(code(verify(twice)), 'valid');
});

t.test('unsigned is missing', async (t) => {
  t.same(verify(sampleEdxml()), { status: 'missing' });
});

t.test('each refusal has its own code', async (t) => {
  const signed = signA(sampleEdxml()).toString('utf8');
  const variant = (from: string | RegExp, to: string): Buffer => {
    const out = signed.replace(from, to);
    if (out === signed) throw new Error(`no change for ${String(from)}`);
    return Buffer.from(out);
  };
  t.equal(code(verify(variant('Về việc triển khai', 'Về việc hủy bỏ'))), 'pki.bad_digest', 'tampered Subject');
  const att = /<ContentTransferEncoded>(.)/;
  t.equal(code(verify(variant(att, `<ContentTransferEncoded>${signed.match(att)![1] === 'A' ? 'B' : 'A'}`))), 'pki.bad_digest', 'tampered attachment');
  t.equal(code(verify(variant(/<ds:SignatureValue>(.)/, '<ds:SignatureValue>' + (signed.match(/<ds:SignatureValue>(.)/)![1] === 'A' ? 'B' : 'A')))), 'pki.bad_signature_value');
  t.equal(code(verify(variant('<ds:Reference URI="">', '<ds:Reference URI="http://evil.example/doc.xml">'))), 'pki.external_reference');
  t.equal(code(verify(variant('<ds:Reference URI="">', '<ds:Reference>'))), 'pki.external_reference', 'no URI');
  t.equal(
    code(verify(variant('<ds:Transforms>', '<ds:Transforms><ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xslt-19991116"><xsl:stylesheet xmlns:xsl="http://www.w3.org/1999/XSL/Transform"/></ds:Transform>'))),
    'pki.forbidden_transform',
    'XSLT',
  );
  t.equal(
    code(verify(variant('<ds:Transforms>', '<ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2002/06/xmldsig-filter2"/>'))),
    'pki.forbidden_transform',
    'XPath filter',
  );
  t.equal(
    code(verify(variant('<ds:X509Data>', '<ds:RetrievalMethod URI="http://evil.example/cert" Type="http://www.w3.org/2000/09/xmldsig#rawX509Certificate"/><ds:X509Data>'))),
    'pki.malformed_signature',
    'RetrievalMethod',
  );
  t.equal(code(verify(variant('<edXML:edXMLBody>', `<edXML:edXMLBody>${signed.match(/<ds:Signature [\s\S]*<\/ds:Signature>/)![0]}`))), 'pki.multiple_signatures');
  t.equal(code(verify(variant(/<ds:X509Certificate>[^<]*/, '<ds:X509Certificate>MIIBAAAA'))), 'pki.malformed_signature', 'placeholder certificate');
});

t.test('certificate refusals', async (t) => {
  const as = (cred: { keyPem: string; certPem: string }, o: Partial<SignEdxmlOptions> = {}): Buffer => signA(sampleEdxml(), { keyPem: cred.keyPem, certPem: cred.certPem, ...o });
  t.equal(code(verify(as(fx.agencyB))), 'pki.wrong_agency', "another agency's certificate");
  t.equal(code(verify(as(fx.agencyB), { pinnedFingerprints: [new X509Certificate(fx.agencyB.certPem).fingerprint256.toLowerCase()] })), 'valid', 'unless pinned');
  t.equal(code(verify(as(fx.agencyAExpired))), 'pki.cert_expired');
  t.equal(code(verify(as(fx.agencyA, { signingTime: new Date('2001-01-01T00:00:00Z') }))), 'pki.cert_expired', 'not valid at the signing time');
  t.equal(code(verify(as(fx.agencyARevoked))), 'pki.cert_revoked');
  t.equal(code(verify(as(fx.agencyAUntrusted))), 'pki.untrusted_chain');
  t.equal(code(verify(as(fx.agencyAWeak))), 'pki.weak_key');
  t.equal(code(verify(as(fx.agencyA, { algorithm: 'rsa-sha1' }))), 'pki.weak_algorithm', 'SHA-1 when not allowed');
  t.equal(code(verify(as(fx.agencyA, { algorithm: 'rsa-sha1' }), { allowSha1: true })), 'valid', 'SHA-1 under a legacy policy');
  t.equal(code(verify(signA(sampleEdxml({ from: AGENCY_B })))), 'pki.wrong_agency', 'From is another agency');
});

t.test('duplicate ids and references by id', async (t) => {
  const dup = signA(sampleEdxml({ headerExtra: '<x Id="a"/><y ID="a"/>' }));
  t.equal(code(verify(dup)), 'pki.duplicate_id');
  // A reference to the root by id is accepted …
  const byRootId = signA(sampleEdxml({ rootAttributes: ' Id="doc"' })).toString().replace('<ds:Reference URI="">', '<ds:Reference URI="#doc">');
  t.equal(code(verify(Buffer.from(byRootId))), 'pki.bad_signature_value', 'the URI is covered by the signature value');
  // … a reference to another element is not (the signed subtree would not be the one read).
  const toHeader = signA(sampleEdxml({ headerExtra: '<z Id="part"/>' })).toString().replace('<ds:Reference URI="">', '<ds:Reference URI="#part">');
  t.equal(code(verify(Buffer.from(toHeader))), 'pki.external_reference');
});

t.test('signature wrapping fails', async (t) => {
  const signed = signA(sampleEdxml()).toString('utf8');
  // 1. The signed envelope moved into the attachments, a forged envelope in its place.
  const envelope = signed.match(/<edXML:edXMLEnvelope[\s\S]*<\/edXML:edXMLEnvelope>/)![0];
  const forged = envelope.replace('Về việc triển khai', 'Chuyển tiền gấp').replace(/<ds:Signature [\s\S]*<\/ds:Signature>/, '');
  const moved = signed.replace(envelope, `${forged.replace('</edXML:edXMLEnvelope>', '')}<Wrapper>${envelope}</Wrapper></edXML:edXMLEnvelope>`);
  let outcome: string;
  try {
    outcome = code(verify(Buffer.from(moved)));
  } catch (e) {
    outcome = `reader:${(e as { code?: string }).code ?? 'error'}`;
  }
  t.not(outcome, 'valid');
  t.ok(['pki.bad_digest', 'pki.malformed_signature'].includes(outcome) || outcome.startsWith('reader:edxml.'), `refused (${outcome})`);
  // 2. The signature moved under a second, forged edXML root subtree: the signature's place is checked.
  const signature = signed.match(/<ds:Signature [\s\S]*<\/ds:Signature>/)![0];
  const relocated = signed.replace(signature, '').replace('<AttachmentEncoded>', `<Extra>${signature}</Extra><AttachmentEncoded>`);
  t.equal(code(verify(Buffer.from(relocated))), 'pki.malformed_signature');
});

t.test('interoperability with xml-crypto', async (t) => {
  const { SignedXml } = await import('xml-crypto');
  const { DOMParser } = await import('@xmldom/xmldom');
  const DS = 'http://www.w3.org/2000/09/xmldsig#';
  for (const [c14n, uri] of [['inclusive', 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315'], ['exclusive', 'http://www.w3.org/2001/10/xml-exc-c14n#']] as const) {
    // Ours → xml-crypto.
    const xml = signA(sampleEdxml(), { c14n }).toString('utf8');
    const dom = new DOMParser().parseFromString(xml, 'text/xml');
    const sigNode = dom.getElementsByTagNameNS(DS, 'Signature')[0]!;
    const checker = new SignedXml({ publicCert: fx.agencyA.certPem, getCertFromKeyInfo: () => null });
    checker.loadSignature(sigNode as unknown as Parameters<typeof checker.loadSignature>[0]);
    t.ok(checker.checkSignature(xml), `xml-crypto accepts our ${c14n} signature`);
    const again = new SignedXml({ publicCert: fx.agencyA.certPem, getCertFromKeyInfo: () => null });
    const tampered = xml.replace('triển khai', 'hủy bỏ');
    again.loadSignature(new DOMParser().parseFromString(tampered, 'text/xml').getElementsByTagNameNS(DS, 'Signature')[0] as unknown as Parameters<typeof again.loadSignature>[0]);
    let accepted: boolean;
    try {
      accepted = again.checkSignature(tampered);
    } catch {
      accepted = false;
    }
    t.notOk(accepted, `xml-crypto rejects a tampered copy (${c14n})`);

    // xml-crypto → ours.
    const signer = new SignedXml({ privateKey: fx.agencyA.keyPem, publicCert: fx.agencyA.certPem, signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', canonicalizationAlgorithm: uri });
    signer.addReference({ xpath: '/*', transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', uri], digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256', isEmptyUri: true });
    signer.computeSignature(sampleEdxml().toString('utf8'), { location: { reference: "//*[local-name(.)='edXMLHeader']", action: 'append' } });
    const theirs = Buffer.from(signer.getSignedXml(), 'utf8');
    t.equal(code(verify(theirs)), 'valid', `we accept xml-crypto's ${c14n} signature`);
    // With a processing instruction before the root (xml-crypto digests the root element only).
    const withPi = new SignedXml({ privateKey: fx.agencyA.keyPem, publicCert: fx.agencyA.certPem, signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', canonicalizationAlgorithm: uri });
    withPi.addReference({ xpath: '/*', transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', uri], digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256', isEmptyUri: true });
    withPi.computeSignature(sampleEdxml().toString('utf8').replace('?>', '?>\n<?xml-stylesheet href="x.xsl"?>'), { location: { reference: "//*[local-name(.)='edXMLHeader']", action: 'append' } });
    const piSigned = withPi.getSignedXml();
    t.match(piSigned, /<\?xml-stylesheet/);
    t.equal(code(verify(Buffer.from(piSigned))), 'valid', `xml-crypto ${c14n} signature with a PI before the root`);
    t.equal(code(verify(Buffer.from(piSigned.replace('triển khai', 'hủy bỏ')))), 'pki.bad_digest');
    t.equal(code(verify(Buffer.from(theirs.toString().replace('triển khai', 'hủy bỏ')))), 'pki.bad_digest');
  }
});

const corpus = fileURLToPath(new URL('../../../shared/corpus/real/', import.meta.url));
t.test('every corpus sample comes out invalid, never valid, never a throw', { skip: existsSync(corpus) ? false : `corpus not found at ${corpus}` }, async (t) => {
  let checked = 0;
  for (const name of readdirSync(corpus).filter((n) => n.endsWith('.edxml')).sort()) {
    let read: ReturnType<typeof readEdxmlDocument>;
    try {
      read = readEdxmlDocument(readFileSync(corpus + name));
    } catch {
      continue; // the two files the reader rejects
    }
    const v = verifyEdxmlSignature(read.doc, read.message, ctx({ expectedOrganId: read.message.from.organId, allowSha1: true }));
    t.not(v.status, 'valid', `${name}: ${code(v)}`);
    if (read.message.signatures.length > 0) t.equal(v.status, 'invalid', `${name} signed → invalid (${code(v)})`);
    checked++;
  }
  t.ok(checked >= 20, `${checked} samples checked`);
});

t.test('random byte changes never make the verifier throw, and changed content never verifies', async (t) => {
  const signed = signA(sampleEdxml(), { signingTime: new Date(Date.now() - 60_000) });
  const rand = prng(20261123);
  let read = 0;
  let valid = 0;
  for (let i = 0; i < 400; i++) {
    const copy = Buffer.from(signed);
    const pos = Math.floor(rand() * copy.length);
    // Printable ASCII replacement: keeps the UTF-8 valid more often, so more cases reach the verifier.
    copy[pos] = 0x21 + Math.floor(rand() * 90);
    if (copy[pos] === signed[pos]) continue;
    let parsed: ReturnType<typeof readEdxmlDocument>;
    try {
      parsed = readEdxmlDocument(copy);
    } catch {
      continue;
    }
    read++;
    const v = verifyEdxmlSignature(parsed.doc, parsed.message, ctx({ expectedOrganId: parsed.message.from.organId }));
    if (v.status === 'valid') {
      valid++;
      // Only a change C14N erases (inside a tag: whitespace, quotes) or one in the unsigned
      // ds:Object (the informative signing time) may still verify.
      const inTag = signed.lastIndexOf(0x3c, pos) > signed.lastIndexOf(0x3e, pos - 1);
      const inObject = pos > signed.indexOf('<ds:Object>') && pos < signed.indexOf('</ds:Object>');
      t.ok(inTag || inObject, `byte ${pos} changed and still valid: must be markup-only or in ds:Object`);
    }
  }
  t.ok(read > 100, `${read} mutated documents reached the verifier (${valid} markup-only or unsigned-Object changes still valid)`);
});
