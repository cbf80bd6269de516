import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initDevPki } from '../../src/pki/dev-pki.js';
import { devPkiLayout } from '../../src/pki/dev-pki-layout.js';
import { loadHubSigner } from '../../src/pki/receipts/hub-signer.js';
import { buildReceipt, verifyReceipt } from '../../src/pki/receipts/receipt.js';
import { buildMultipartSigned, parseMultipartSigned } from '../../src/pki/receipts/smime-multipart-signed.js';
import { createCa } from '../../src/pki/issue-agency-certificate.js';

const dir = mkdtempSync(path.join(tmpdir(), 'edoc-receipt-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
initDevPki({ certsDir: dir, agencies: [] });
const caFile = devPkiLayout(dir).caCert;
const signer = loadHubSigner(dir);
const caPem = signer.caCertificatePem;

/** Runs `openssl cms -verify` on a receipt file; true when OpenSSL accepts it. */
function opensslAccepts(bytes: Buffer): boolean {
  const file = path.join(dir, 'receipt.eml');
  writeFileSync(file, bytes);
  const r = spawnSync('openssl', ['cms', '-verify', '-in', file, '-CAfile', caFile, '-purpose', 'any', '-out', path.join(dir, 'out.txt')], { encoding: 'utf8' });
  return r.status === 0;
}

const submission = {
  type: 'submission',
  messageId: '01JD7Z4Q0000000000000000',
  sha256: 'a'.repeat(64),
  from: '000.00.00.G22',
  to: ['000.00.00.H29', 'G11.07.05'],
  documentId: '000.00.00.G22,2026/11/23,123/VPCP-TTĐT',
  acceptedAt: '2026-11-23T09:00:00.000Z',
  logPosition: 42,
};
const delivery = { type: 'delivery', deliveryId: 'd-1', messageId: submission.messageId, recipient: '000.00.00.H29', acknowledgedAt: '2026-11-23T09:05:00.000Z', status: 'done' };

t.test('hub signer is ECDSA P-256', async (t) => {
  t.equal(signer.algorithm, 'ecdsa-sha256');
});

t.test('submission and delivery receipts verify with openssl and with verifyReceipt', async (t) => {
  for (const content of [submission, delivery]) {
    const r = buildReceipt(content, signer);
    t.ok(opensslAccepts(r.bytes), `openssl cms -verify accepts the ${content.type} receipt`);
    const v = verifyReceipt(r.bytes, caPem);
    t.ok(v.ok, 'verifyReceipt accepts it');
    if (v.ok) {
      t.same(v.content, content);
      t.match(v.signer.subject, /CN=edoc-hub signing/);
    }
    // The detached signature also verifies on its own over the exact signed bytes.
    writeFileSync(path.join(dir, 'sig.der'), r.signatureDer);
    writeFileSync(path.join(dir, 'content.bin'), r.signedBytes);
    execFileSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', path.join(dir, 'sig.der'), '-content', path.join(dir, 'content.bin'), '-CAfile', caFile, '-purpose', 'any', '-out', '/dev/null'], { stdio: 'pipe' });
    t.equal(r.contentBytes.toString(), JSON.stringify(content));
  }
});

t.test('changing any byte of the content or of the signature makes both verifiers fail', async (t) => {
  const r = buildReceipt(submission, signer);
  const text = r.bytes.toString('latin1');
  const bodyStart = text.indexOf(r.contentBytes.toString('latin1'));
  t.ok(bodyStart > 0);
  let flips = 0;
  for (let i = 0; i < r.contentBytes.length; i += 7) {
    const copy = Buffer.from(r.bytes);
    copy[bodyStart + i] = copy[bodyStart + i] === 0x41 ? 0x42 : 0x41;
    t.notOk(opensslAccepts(copy), `openssl refuses content byte ${i} changed`);
    const v = verifyReceipt(copy, caPem);
    t.equal(v.ok ? 'ok' : v.code, 'pki.bad_digest');
    flips++;
  }
  // Signature value: the last bytes of the DER are the ECDSA signature.
  const parts = parseMultipartSigned(r.bytes);
  for (let k = 1; k <= 16; k++) {
    const der = Buffer.from(parts.signatureDer);
    der[der.length - k * 2]! ^= 0x01;
    const copy = buildMultipartSigned(parts.signedPart, der);
    t.notOk(opensslAccepts(copy), `openssl refuses signature byte -${k * 2} changed`);
    t.notOk(verifyReceipt(copy, caPem).ok);
    flips++;
  }
  t.ok(flips > 20);
});

t.test('another CA, garbage and truncation are refused, never thrown', async (t) => {
  const r = buildReceipt(delivery, signer);
  const other = createCa({ commonName: 'Other', keyKind: 'rsa-2048' });
  const v = verifyReceipt(r.bytes, other.certPem);
  t.equal(v.ok ? 'ok' : v.code, 'pki.untrusted_chain');
  t.equal(verifyReceipt(Buffer.from('hello'), caPem).ok, false);
  for (const cut of [10, 200, r.bytes.length - 100, r.bytes.length - 30]) {
    t.equal(verifyReceipt(r.bytes.subarray(0, cut), caPem).ok, false, `cut at ${cut}`);
  }
});
