import t from 'tap';
import { X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initDevPki } from '../../src/pki/dev-pki.js';
import { devPkiLayout } from '../../src/pki/dev-pki-layout.js';
import { identityOfCertificate } from '../../src/pki/identity-of-certificate.js';

const dir = mkdtempSync(path.join(tmpdir(), 'edoc-devpki-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const l = devPkiLayout(dir);

t.test('initDevPki writes the whole layout, openssl accepts the chains', async (t) => {
  const r = initDevPki({ certsDir: dir, agencies: [{ organId: '000.00.00.G22', name: 'Văn phòng Chính phủ' }, { organId: 'G11.07.05' }] });
  for (const f of [l.caCert, l.caKey, l.serverCert, l.serverKey, l.signingCert, l.signingKey, l.clientCert, l.clientKey, l.trustCa, l.caCrl, l.agencyCert('G11.07.05'), l.auditorCert('auditor-1')]) {
    t.ok(r.written.includes(f), `wrote ${path.relative(dir, f)}`);
  }
  for (const k of [l.caKey, l.serverKey, l.signingKey, l.agencyKey('000.00.00.G22'), l.auditorKey('auditor-1')]) {
    t.equal(statSync(k).mode & 0o777, 0o600, `${path.basename(k)} is 0600`);
  }
  for (const c of [l.serverCert, l.signingCert, l.clientCert, l.agencyCert('000.00.00.G22'), l.auditorCert('auditor-1')]) {
    t.match(execFileSync('openssl', ['verify', '-CAfile', l.caCert, c]).toString(), /: OK/);
  }
  execFileSync('openssl', ['crl', '-in', l.caCrl, '-CAfile', l.caCert, '-noout']);
  const server = new X509Certificate(readFileSync(l.serverCert));
  t.ok(server.checkHost('localhost'));
  t.ok(server.checkIP('127.0.0.1'));
  t.ok(server.checkIP('::1'));
  const signing = new X509Certificate(readFileSync(l.signingCert));
  t.equal(signing.publicKey.asymmetricKeyType, 'ec');
  t.equal(signing.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
});

t.test('identity binding: OrganId in subject CN and SAN URI; auditors by SAN only', async (t) => {
  const agency = new X509Certificate(readFileSync(l.agencyCert('000.00.00.G22')));
  t.match(agency.subject, /CN=000\.00\.00\.G22/);
  t.match(agency.subject, /O=Văn phòng Chính phủ/);
  t.same(identityOfCertificate(agency), { organIds: ['000.00.00.G22'] });
  t.same(identityOfCertificate(new X509Certificate(readFileSync(l.auditorCert('auditor-1')))), { organIds: [], auditor: 'auditor-1' });
});

t.test('re-run writes only what is missing; force renews everything', async (t) => {
  const before = readFileSync(l.caCert, 'utf8');
  rmSync(l.agencyKey('G11.07.05'));
  const r = initDevPki({ certsDir: dir, agencies: [{ organId: '000.00.00.G22' }, { organId: 'G11.07.05' }, { organId: 'H56' }] });
  t.same(r.written.map((f) => path.relative(dir, f)).sort(), ['agencies/G11.07.05/cert.pem', 'agencies/G11.07.05/key.pem', 'agencies/H56/cert.pem', 'agencies/H56/key.pem']);
  t.equal(readFileSync(l.caCert, 'utf8'), before);
  const again = initDevPki({ certsDir: dir, agencies: [{ organId: 'H56' }] });
  t.same(again.written, []);
  const forced = initDevPki({ certsDir: dir, agencies: [{ organId: 'H56' }], force: true });
  t.ok(forced.written.includes(l.caCert));
  t.not(readFileSync(l.caCert, 'utf8'), before);
});

t.test('an OrganId that would leave the folder is refused', async (t) => {
  t.throws(() => initDevPki({ certsDir: dir, agencies: [{ organId: '../evil' }] }), { code: 'pki.bad_name' });
});
