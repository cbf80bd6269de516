/**
 * What the hub trusts is in the exchange log: at start, and again when a CRL
 * or CA file changes what is trusted (seen by the next certificate check).
 * One entry per change, however many times the folders are read.
 */
import t from 'tap';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { X509Certificate } from 'node:crypto';
import pino from 'pino';
import { buildEdoc } from '../../src/edxml/build-edxml.js';
import { signEdxml } from '../../src/pki/xmldsig/sign-edxml.js';
import { buildCrl } from '../../src/pki/crl.js';
import { createTrustLoadRecorder } from '../../src/hub/record-trust-loads.js';
import { startTestHub } from '../helpers/test-hub.js';
import { ensureTestCerts, testLayout } from '../helpers/test-certs.js';
import { createTestDatabase } from '../helpers/test-db.js';
import type { TrustSummary } from '../../src/pki/trust-store.js';

const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';

interface Logged {
  digest: string;
  anchors: { fingerprint256: string }[];
  crls: { file: string; revoked: number }[];
}

t.test('the trust at start and after a new CRL, each logged once', async (t) => {
  await ensureTestCerts();
  const l = testLayout();
  // Folders of this test's own: the shared test CRL must not change under other tests.
  const dir = mkdtempSync(path.join(tmpdir(), 'edoc-trust-log-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(l.trustDir, path.join(dir, 'trust'), { recursive: true });
  cpSync(l.crlDir, path.join(dir, 'crl'), { recursive: true });
  const hub = await startTestHub({ EDOC_TRUST_DIR: path.join(dir, 'trust'), EDOC_CRL_DIR: path.join(dir, 'crl') });
  t.teardown(() => hub.close());
  const logged = async (): Promise<Logged[]> =>
    (await hub.tdb.db.query<{ data: Logged }>("SELECT data FROM audit_events WHERE type = 'trust.loaded' ORDER BY id")).rows.map((r) => r.data);
  const waitFor = async (n: number): Promise<Logged[]> => {
    for (let i = 0; i < 100; i++) {
      const rows = await logged();
      if (rows.length >= n) return rows;
      await sleep(50);
    }
    return logged();
  };

  const atStart = await waitFor(1);
  t.equal(atStart.length, 1, 'the trust at start');
  t.same(atStart[0]!.anchors.map((a) => a.fingerprint256), [new X509Certificate(readFileSync(l.caCert)).fingerprint256]);

  // The CA revokes a serial no test certificate has; the next signature check reads the folder again.
  const ca = { certPem: readFileSync(l.caCert, 'utf8'), keyPem: readFileSync(l.caKey, 'utf8') };
  writeFileSync(path.join(dir, 'crl', 'extra.crl.pem'), buildCrl({ issuerCertPem: ca.certPem, issuerKeyPem: ca.keyPem, revoked: [{ serial: '0BADC0DE', revokedAt: new Date() }] }));
  await sleep(1100); // the trust store looks at its folders at most once a second
  await hub.setAgency(G22, { signaturePolicy: 'required' });
  const doc = signEdxml(buildEdoc({ from: { organId: G22 }, to: [{ organId: H41 }], documentId: `${G22},2026/11/29,1/TRUST`, subject: 'Văn bản' }), {
    keyPem: readFileSync(l.agencyKey(G22), 'utf8'),
    certPem: readFileSync(l.agencyCert(G22), 'utf8'),
    c14n: 'exclusive',
  });
  t.equal((await hub.request(G22, 'POST', '/v1/messages', doc)).status, 202, 'still accepted: its certificate is not the one revoked');
  const after = await waitFor(2);
  t.equal(after.length, 2, 'the new trust, logged');
  t.same(after[1]!.crls.find((c) => c.file === 'extra.crl.pem')?.revoked, 1);
  t.not(after[1]!.digest, after[0]!.digest);

  // Another process (or a restart) that loads the same trust adds nothing.
  const again = createTrustLoadRecorder(hub.tdb.db, pino({ level: 'silent' }));
  again.onLoad(after[1] as unknown as TrustSummary);
  await again.settled();
  t.equal((await logged()).length, 2, 'the same trust is not logged twice');
});

t.test('a CRL file the trust store ignores is warned about once, though the trust is unchanged', async (t) => {
  const lines: { level: number; msg: string; files?: string[] }[] = [];
  const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as (typeof lines)[number]) });
  const tdb = await createTestDatabase();
  t.teardown(() => tdb.drop());
  const recorder = createTrustLoadRecorder(tdb.db, log);
  const base: TrustSummary = { digest: 'same', anchors: [], crls: [], ignoredCrls: [] };
  recorder.onLoad(base);
  await recorder.settled();
  t.equal(lines.filter((l) => l.msg === 'trust store loaded').length, 1);
  lines.length = 0;
  recorder.onLoad({ ...base, ignoredCrls: ['wrong-ca.crl'] });
  recorder.onLoad({ ...base, ignoredCrls: ['wrong-ca.crl'] });
  await recorder.settled();
  const warns = lines.filter((l) => l.level === 40);
  t.equal(warns.length, 1, 'one warning');
  t.same(warns[0]!.files, ['wrong-ca.crl']);
  t.equal(lines.filter((l) => l.msg === 'trust store loaded').length, 0, 'the trust did not change: nothing new to record');
});
