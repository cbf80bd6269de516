/**
 * Receipts and log checkpoints are the hub's word only when its signing
 * certificate (SAN URI urn:edoc-hub:hub-signing) made them. One CA issues the
 * hub's and every agency's certificates, so "issued by the CA" is not enough:
 * an agency could otherwise forge a receipt, or a whole export with its own checkpoints.
 */
import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { readFileSync } from 'node:fs';
import { initDevPki, loadDevCa } from '../../src/pki/dev-pki.js';
import { generateKeyPem } from '../../src/pki/generate-key.js';
import { issueCertificate } from '../../src/pki/issue-certificate.js';
import { devPkiLayout } from '../../src/pki/dev-pki-layout.js';
import { createPrivateKey, sign } from 'node:crypto';
import { createHubSigner, loadHubSigner, type HubSigner } from '../../src/pki/receipts/hub-signer.js';
import { buildReceipt, verifyReceipt } from '../../src/pki/receipts/receipt.js';
import { chainHashOfRecord, GENESIS_HASH } from '../../src/audit/chain-hash.js';
import { checkpointPayload } from '../../src/audit/checkpoint-payload.js';
import type { AuditRecord } from '../../src/audit/audit-record.js';
import { verifyAuditExport } from '../../src/audit/verify-export.js';

const AGENCY = '000.00.00.G22';
const dir = mkdtempSync(path.join(tmpdir(), 'edoc-review-signer-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
initDevPki({ certsDir: dir, agencies: [{ organId: AGENCY }] });
const l = devPkiLayout(dir);
const hub = loadHubSigner(dir);
const caPem = hub.caCertificatePem;
// The agency's own credential, as every agency holds it.
// (Made by hand: createHubSigner refuses a certificate that is not the hub's.)
const agencyKey = createPrivateKey(readFileSync(l.agencyKey(AGENCY), 'utf8'));
const agencySigner: HubSigner = {
  certificatePem: readFileSync(l.agencyCert(AGENCY), 'utf8'),
  caCertificatePem: caPem,
  algorithm: 'rsa-sha256',
  sign: (data) => sign('sha256', data, agencyKey),
};

t.test('the hub refuses to sign with a certificate that is not its signing certificate', async (t) => {
  t.throws(() => createHubSigner({ certPem: agencySigner.certificatePem, keyPem: readFileSync(l.agencyKey(AGENCY), 'utf8'), caCertPem: caPem }), { code: 'pki.not_hub_signer' });
});

t.test('a receipt signed by an agency key is not a hub receipt', async (t) => {
  const forged = buildReceipt(
    {
      type: 'edoc-hub.delivery-receipt',
      version: 1,
      statement: 'The recipient acknowledged receiving these exact bytes through the hub.',
      deliveryId: '00000000-0000-4000-8000-000000000001',
      messageId: '00000000-0000-4000-8000-000000000002',
      recipient: '000.00.00.H41',
      acknowledgedAt: '2026-01-05T02:10:44.123Z',
    },
    agencySigner,
  );
  const r = verifyReceipt(forged.bytes, caPem);
  t.equal(r.ok, false, `verifyReceipt must refuse a receipt not signed by the hub's signing certificate (got ${JSON.stringify(r.ok ? r.signer : r)})`);
});

t.test('a checkpoint signed by an agency key does not make a forged export verify', async (t) => {
  // A completely invented log of 3 entries, "signed" with the agency's key.
  const lines: string[] = [];
  let prev = GENESIS_HASH;
  const entries: string[] = [];
  for (let i = 1; i <= 3; i++) {
    const record: AuditRecord = {
      seq: String(i),
      eventId: String(i),
      at: '2026-01-05T02:10:44.123Z',
      type: 'message.accepted',
      actor: AGENCY,
      organs: [AGENCY, '000.00.00.H41'],
      messageId: `invented-${i}`,
      deliveryId: null,
      documentId: null,
      data: { size: i },
    };
    const hash = chainHashOfRecord(prev, record);
    entries.push(JSON.stringify({ kind: 'entry', seq: String(i), prevHash: prev, hash, record }));
    prev = hash;
  }
  const at = new Date().toISOString();
  const signature = agencySigner.sign(checkpointPayload({ seq: '3', hash: prev, at })).toString('base64');
  lines.push(
    JSON.stringify({ kind: 'edoc-hub-audit-export', version: 1, generatedAt: at, filter: {}, fromSeq: '1', toSeq: '3', entries: 3, checkpoints: 1 }),
    JSON.stringify({ kind: 'checkpoint', seq: '3', hash: prev, at, algorithm: agencySigner.algorithm, signature, certificatePem: agencySigner.certificatePem }),
    ...entries,
  );
  const report = await verifyAuditExport(Readable.from([`${lines.join('\n')}\n`]), { caCertPem: caPem });
  t.equal(report.ok, false, `an export "signed" by an agency must not verify (report: ${JSON.stringify(report)})`);
});

t.test('a signing certificate of the dev PKI made before the SAN URI is issued again by certs init', async (t) => {
  const old = mkdtempSync(path.join(tmpdir(), 'edoc-old-signer-'));
  t.teardown(() => rmSync(old, { recursive: true, force: true }));
  initDevPki({ certsDir: old, agencies: [] });
  const ol = devPkiLayout(old);
  const ca = loadDevCa(old);
  const keys = generateKeyPem('ec-p256');
  const now = Date.now();
  writeFileSync(ol.signingKey, keys.privateKeyPem);
  writeFileSync(
    ol.signingCert,
    issueCertificate({
      subject: { country: 'VN', organization: 'edoc-hub', commonName: 'edoc-hub signing' },
      publicKeyPem: keys.publicKeyPem,
      issuerCertPem: ca.certPem,
      issuerKeyPem: ca.keyPem,
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + 86_400_000),
      keyUsage: ['digitalSignature', 'nonRepudiation'],
      extKeyUsage: ['emailProtection'],
    }),
  );
  t.throws(() => loadHubSigner(old), { code: 'pki.not_hub_signer' }, 'the hub does not start signing with it');
  const { written } = initDevPki({ certsDir: old, agencies: [] });
  t.ok(written.includes(ol.signingCert), 'certs init issues it again');
  const signer = loadHubSigner(old);
  const receipt = buildReceipt({ type: 'edoc-hub.message-receipt', version: 1, messageId: 'm' }, signer);
  t.equal(verifyReceipt(receipt.bytes, signer.caCertificatePem).ok, true, 'and its receipts verify');
  t.same(initDevPki({ certsDir: old, agencies: [] }).written, [], 'a current one is kept');
});
