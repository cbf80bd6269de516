import t from 'tap';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, writeFileSync, readFileSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import { createTrustStore, type TrustSummary } from '../../src/pki/trust-store.js';
import { parseCrl, buildCrl } from '../../src/pki/crl.js';
import { pemToDer } from '../../src/pki/asn1/x509-signer.js';
import { normalizeSerial } from '../../src/pki/asn1/certificate-fields.js';
import { makePkiFixtures } from './helpers/pki-fixtures.js';

const fx = makePkiFixtures();
t.teardown(fx.cleanup);
const store = createTrustStore({ trustDir: fx.layout.trustDir, crlDir: fx.layout.crlDir, recheckMs: 0 });
const x = (pem: string): X509Certificate => new X509Certificate(pem);
const now = { at: [new Date()] };

t.test('a dev agency certificate chains to the dev CA', async (t) => {
  const chain = store.checkCertificate([x(fx.agencyA.certPem)], now);
  t.equal(chain.length, 2);
  t.equal(chain[1]!.fingerprint256, x(fx.ca.certPem).fingerprint256);
  store.checkCertificate([x(fx.agencyAEcdsa.certPem)], now);
});

t.test('each refusal has its own code', async (t) => {
  t.throws(() => store.checkCertificate([x(fx.agencyAExpired.certPem)], now), { code: 'pki.cert_expired' });
  t.throws(() => store.checkCertificate([x(fx.agencyA.certPem)], { at: [new Date('2001-01-01')] }), { code: 'pki.cert_expired' }, 'not yet valid');
  t.throws(() => store.checkCertificate([x(fx.agencyARevoked.certPem)], now), { code: 'pki.cert_revoked' });
  t.throws(() => store.checkCertificate([x(fx.agencyAUntrusted.certPem)], now), { code: 'pki.untrusted_chain' });
  t.throws(() => store.checkCertificate([x(fx.agencyAWeak.certPem)], now), { code: 'pki.weak_key' });
  t.throws(() => store.checkCertificate([], now), { code: 'pki.untrusted_chain' });
});

t.test('CRL round trip, PEM and DER', async (t) => {
  const pem = readFileSync(fx.layout.caCrl);
  const crl = parseCrl(pem);
  t.ok(crl.revoked.has(normalizeSerial(x(fx.agencyARevoked.certPem).serialNumber)));
  t.equal(crl.revoked.size, 1);
  const der = parseCrl(pemToDer(pem.toString(), 'X509 CRL'));
  t.same([...der.revoked.keys()], [...crl.revoked.keys()]);
  t.throws(() => parseCrl(Buffer.from('not a crl')), { code: 'pki.malformed_crl' });
});

t.test('folders are re-read on change; a CRL not signed by an anchor revokes nothing', async (t) => {
  const agencyB = x(fx.agencyB.certPem);
  store.checkCertificate([agencyB], now);
  // Forged CRL (signed by agency A's key, claiming the CA's name) must be ignored.
  const forged = buildCrl({ issuerCertPem: fx.ca.certPem, issuerKeyPem: fx.agencyA.keyPem, revoked: [{ serial: agencyB.serialNumber, revokedAt: new Date() }] });
  writeFileSync(path.join(fx.layout.crlDir, 'forged.pem'), forged);
  store.checkCertificate([agencyB], now);
  // A genuine one in DER counts at once.
  const real = buildCrl({ issuerCertPem: fx.ca.certPem, issuerKeyPem: fx.ca.keyPem, revoked: [{ serial: agencyB.serialNumber, revokedAt: new Date() }] });
  writeFileSync(path.join(fx.layout.crlDir, 'extra.crl'), pemToDer(real, 'X509 CRL'));
  t.throws(() => store.checkCertificate([agencyB], now), { code: 'pki.cert_revoked' });
  // A new CA in the trust folder is seen without restarting.
  const untrusted = x(fx.agencyAUntrusted.certPem);
  t.throws(() => store.checkCertificate([untrusted], now), { code: 'pki.untrusted_chain' });
  mkdirSync(fx.layout.trustDir, { recursive: true });
  writeFileSync(path.join(fx.layout.trustDir, 'other.pem'), fx.otherCa.certPem);
  t.equal(store.anchors().length, 2);
  t.equal(store.checkCertificate([untrusted], now).length, 2, 'now trusted');
  copyFileSync(fx.layout.caCert, path.join(fx.layout.trustDir, 'copy.pem'));
  t.equal(store.anchors().length, 3);
});

t.test('an intermediate in the list completes the chain', async (t) => {
  const { issuePartyCertificate } = await import('../../src/pki/issue-agency-certificate.js');
  const { issueCertificate } = await import('../../src/pki/issue-certificate.js');
  const { generateKeyPem } = await import('../../src/pki/generate-key.js');
  const k = generateKeyPem('rsa-2048');
  const subCaPem = issueCertificate({
    subject: { commonName: 'Sub CA' }, publicKeyPem: k.publicKeyPem, issuerCertPem: fx.ca.certPem, issuerKeyPem: fx.ca.keyPem,
    // An hour back, as the library's own certificates: the file's `now` may be seconds old by this subtest.
    notBefore: new Date(Date.now() - 3_600_000), notAfter: new Date(Date.now() + 86_400_000), keyUsage: ['keyCertSign'], isCa: true,
  });
  const leaf = issuePartyCertificate({ ca: { certPem: subCaPem, keyPem: k.privateKeyPem }, profile: { kind: 'agency', organId: 'X' } });
  t.throws(() => store.checkCertificate([x(leaf.certPem)], now), { code: 'pki.untrusted_chain' });
  t.equal(store.checkCertificate([x(leaf.certPem), x(subCaPem)], now).length, 3);
});

t.test('each load reports what is trusted; the digest changes only with the trust', async (t) => {
  const f = makePkiFixtures();
  t.teardown(f.cleanup);
  const seen: TrustSummary[] = [];
  const s = createTrustStore({ trustDir: f.layout.trustDir, crlDir: f.layout.crlDir, recheckMs: 0, onLoad: (summary) => seen.push(summary) });
  s.anchors();
  t.equal(seen.length, 1, 'the first load');
  t.same(seen[0]!.anchors.map((a) => a.fingerprint256), [x(f.ca.certPem).fingerprint256]);
  t.equal(seen[0]!.crls.length, 1);
  t.equal(seen[0]!.crls[0]!.revoked, 1, "the dev CA's CRL revokes one certificate");
  t.match(seen[0]!.crls[0]!.issuer, /CN=/);
  s.anchors();
  t.equal(seen.length, 1, 'nothing changed: no reload');
  // A copy of the same CRL under another name: loaded again, and a different trust (another file counts).
  writeFileSync(path.join(f.layout.crlDir, 'forged.pem'), buildCrl({ issuerCertPem: f.ca.certPem, issuerKeyPem: f.agencyA.keyPem, revoked: [] }));
  s.anchors();
  t.equal(seen.length, 2);
  t.same(seen[1]!.ignoredCrls, ['forged.pem'], 'a CRL not signed by an anchor is reported as ignored');
  t.equal(seen[1]!.digest, seen[0]!.digest, 'an ignored file does not change the trust');
  const b = x(f.agencyB.certPem);
  writeFileSync(path.join(f.layout.crlDir, 'more.pem'), buildCrl({ issuerCertPem: f.ca.certPem, issuerKeyPem: f.ca.keyPem, revoked: [{ serial: b.serialNumber, revokedAt: new Date() }] }));
  s.anchors();
  t.equal(seen.length, 3);
  t.not(seen[2]!.digest, seen[1]!.digest, 'a new revocation changes the digest');
  t.same(seen[2]!.crls.map((c) => [c.file, c.revoked]), [['ca.crl.pem', 1], ['more.pem', 1]], 'each counted CRL, by file, with its revocations');
  const throwing = createTrustStore({
    trustDir: f.layout.trustDir,
    crlDir: f.layout.crlDir,
    onLoad: () => {
      throw new Error('listener down');
    },
  });
  t.equal(throwing.checkCertificate([x(f.agencyA.certPem)], now).length, 2, "a listener's failure changes no trust decision");
});
