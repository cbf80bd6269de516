/**
 * PKI benchmark: XML signature verification vs parsing of the same documents,
 * receipt signing rate, and the machine's OpenSSL baseline. Prints ONE JSON object.
 *
 *   npx tsx bench/pki.bench.ts
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEdxmlDocument } from '../src/edxml/read-edxml.js';
import { DEFAULT_PARSE_LIMITS } from '../src/edxml/types.js';
import { parseXml } from '../src/edxml/xml/parse-xml.js';
import { initDevPki } from '../src/pki/dev-pki.js';
import { devPkiLayout } from '../src/pki/dev-pki-layout.js';
import { loadHubSigner } from '../src/pki/receipts/hub-signer.js';
import { buildReceipt } from '../src/pki/receipts/receipt.js';
import { createTrustStore } from '../src/pki/trust-store.js';
import { signEdxml } from '../src/pki/xmldsig/sign-edxml.js';
import { verifyEdxmlSignature } from '../src/pki/xmldsig/verify-edxml-signature.js';
import { startWorker } from '../src/shared/start-worker.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 1.5);
const corpusFile = fileURLToPath(new URL('../../shared/corpus/real/vpcp-sdk-edoc_replacement.edxml', import.meta.url));

/** Operations per second of `fn`, run for about SECONDS after a short warm-up. */
function rate(fn: () => void): number {
  const warm = Date.now() + 200;
  while (Date.now() < warm) fn();
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(SECONDS * 1e9));
  let now = start;
  while (now < end) {
    fn();
    n++;
    if ((n & 7) === 0) now = process.hrtime.bigint();
  }
  now = process.hrtime.bigint();
  return n / (Number(now - start) / 1e9);
}

/**
 * Rates of several functions measured in interleaved slices, so that load from other
 * processes on the machine hits all of them alike and their ratios stay meaningful.
 */
function interleavedRates(fns: (() => void)[]): number[] {
  for (const f of fns) for (let i = 0; i < 20; i++) f();
  const spent = fns.map(() => 0n);
  const counts = fns.map(() => 0);
  const end = process.hrtime.bigint() + BigInt(Math.round(SECONDS * fns.length * 1e9));
  while (process.hrtime.bigint() < end) {
    fns.forEach((f, i) => {
      const t0 = process.hrtime.bigint();
      let n = 0;
      // Slices of ~5 ms each.
      while (n < 10_000) {
        f();
        n++;
        if ((n & 3) === 0 && process.hrtime.bigint() - t0 > 5_000_000n) break;
      }
      spent[i]! += process.hrtime.bigint() - t0;
      counts[i]! += n;
    });
  }
  return counts.map((n, i) => n / (Number(spent[i]!) / 1e9));
}

/** A generated edXML document of about `size` bytes (one base64 attachment fills it up). */
function generatedEdxml(from: string, size: number): Buffer {
  const head = `<?xml version="1.0" encoding="UTF-8"?>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXML:edXMLHeader><edXML:MessageHeader>
<edXML:From><edXML:OrganId>${from}</edXML:OrganId><edXML:OrganName>Văn phòng Chính phủ</edXML:OrganName></edXML:From>
<edXML:To><edXML:OrganId>000.00.00.H29</edXML:OrganId></edXML:To><edXML:DocumentId>bench-1</edXML:DocumentId>
<edXML:Subject>Về việc thử nghiệm hiệu năng ký số</edXML:Subject></edXML:MessageHeader></edXML:edXMLHeader>
<edXML:edXMLBody><edXML:edXMLManifest version="1.0"><edXML:Reference><edXML:ContentId>cid:a</edXML:ContentId><edXML:ContentType>application/pdf</edXML:ContentType></edXML:Reference></edXML:edXMLManifest></edXML:edXMLBody></edXML:edXMLEnvelope>
<AttachmentEncoded><Attachment><ContentId>a</ContentId><ContentType>application/pdf</ContentType><ContentTransferEncoded>`;
  const tail = '</ContentTransferEncoded></Attachment></AttachmentEncoded></edXML>\n';
  const b64Len = Math.max(4, Math.floor((size - head.length - tail.length - 2000) / 4) * 4);
  const b64 = Buffer.alloc((b64Len / 4) * 3, 'edoc-hub ').toString('base64').replace(/(.{76})/g, '$1\n');
  return Buffer.from(head + b64 + tail);
}

function openSslBaseline(): Record<string, number | null> {
  let out: string;
  try {
    out = execFileSync('openssl', ['speed', '-seconds', '2', 'rsa2048', 'ecdsap256'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return { rsa2048SignPerSec: null, rsa2048VerifyPerSec: null, ecdsaP256SignPerSec: null, ecdsaP256VerifyPerSec: null };
  }
  const rsa = /^rsa\s+2048 bits\s+\S+s\s+\S+s\s+([\d.]+)\s+([\d.]+)/m.exec(out);
  const ec = /^\s*256 bits ecdsa \(nistp256\)\s+\S+s\s+\S+s\s+([\d.]+)\s+([\d.]+)/m.exec(out);
  const num = (s: string | undefined): number | null => (s === undefined ? null : Number(s));
  return { rsa2048SignPerSec: num(rsa?.[1]), rsa2048VerifyPerSec: num(rsa?.[2]), ecdsaP256SignPerSec: num(ec?.[1]), ecdsaP256VerifyPerSec: num(ec?.[2]) };
}

const round = (x: number): number => Math.round(x * 10) / 10;

function measureDocument(label: string, unsigned: Buffer, key: { keyPem: string; certPem: string }, trust: ReturnType<typeof createTrustStore>) {
  const signed = signEdxml(unsigned, { ...key, c14n: 'exclusive', signingTime: new Date() });
  const { doc, message } = readEdxmlDocument(signed);
  const ctx = { trust, expectedOrganId: message.from.organId, allowSha1: false, now: new Date() };
  const verdict = verifyEdxmlSignature(doc, message, ctx);
  if (verdict.status !== 'valid') throw new Error(`${label}: bench document does not verify: ${JSON.stringify(verdict)}`);
  const [parsePerSec, readPerSec, verifyPerSec, readAndVerifyPerSec] = interleavedRates([
    () => parseXml(signed, DEFAULT_PARSE_LIMITS),
    () => readEdxmlDocument(signed),
    () => verifyEdxmlSignature(doc, message, ctx),
    () => {
      const r = readEdxmlDocument(signed);
      verifyEdxmlSignature(r.doc, r.message, ctx);
    },
  ]) as [number, number, number, number];
  return {
    bytes: signed.length,
    parsePerSec: round(parsePerSec),
    readPerSec: round(readPerSec),
    verifyPerSec: round(verifyPerSec),
    readAndVerifyPerSec: round(readAndVerifyPerSec),
    /** Cost of verifying relative to parsing the same bytes (target ≤ 2). */
    verifyCostOverParse: Math.round((parsePerSec / verifyPerSec) * 100) / 100,
    verifyCostOverRead: Math.round((readPerSec / verifyPerSec) * 100) / 100,
  };
}

const sampleReceipt = (): object => ({
  type: 'submission',
  messageId: '01JD7Z4Q0000000000000000',
  sha256: 'ab'.repeat(32),
  from: '000.00.00.G22',
  to: ['000.00.00.H29'],
  documentId: 'bench-1',
  acceptedAt: new Date().toISOString(),
  logPosition: 1,
});

/** Receipts/s with one signer per core, all cores busy at once ("under load"). */
async function receiptsOnAllCores(certsDir: string): Promise<{ threads: number; signedPerSec: number }> {
  const threads = availableParallelism();
  const counts = await Promise.all(
    Array.from({ length: threads }, () =>
      new Promise<number>((resolve, reject) => {
        // This file, on another thread (startWorker registers the tsx loader when run from source).
        const w = startWorker(new URL(import.meta.url.replace(/\.ts$/, '.js')), { workerData: { certsDir } });
        w.once('message', (n: number) => resolve(n));
        w.once('error', reject);
      }),
    ),
  );
  return { threads, signedPerSec: round(counts.reduce((a, b) => a + b, 0)) };
}

if (!isMainThread) {
  const signer = loadHubSigner((workerData as { certsDir: string }).certsDir);
  const r = sampleReceipt();
  parentPort!.postMessage(rate(() => buildReceipt(r, signer)));
} else {
const dir = mkdtempSync(path.join(tmpdir(), 'edoc-pki-bench-'));
try {
  const corpus = existsSync(corpusFile) ? readFileSync(corpusFile) : null;
  const bigFrom = corpus ? readEdxmlDocument(corpus).message.from.organId : '000.00.00.G22';
  initDevPki({ certsDir: dir, agencies: [{ organId: '000.00.00.G22' }, { organId: bigFrom }] });
  const l = devPkiLayout(dir);
  const trust = createTrustStore({ trustDir: l.trustDir, crlDir: l.crlDir });
  const keyOf = (id: string) => ({ keyPem: readFileSync(l.agencyKey(id), 'utf8'), certPem: readFileSync(l.agencyCert(id), 'utf8') });

  const small = measureDocument('10 KB', generatedEdxml('000.00.00.G22', 10 * 1024), keyOf('000.00.00.G22'), trust);
  const big = measureDocument('370 KB', corpus ?? generatedEdxml('000.00.00.G22', 370 * 1024), keyOf(bigFrom), trust);

  const signer = loadHubSigner(dir);
  const receipt = sampleReceipt();
  const receiptsPerSec = rate(() => buildReceipt(receipt, signer));
  const allCores = await receiptsOnAllCores(dir);
  const hubSignPerSec = rate(() => signer.sign(Buffer.from('checkpoint')));
  const baseline = openSslBaseline();

  process.stdout.write(
    `${JSON.stringify({
      bench: 'pki',
      node: process.version,
      secondsPerMeasure: SECONDS,
      doc10k: small,
      doc370k: { ...big, source: corpus ? 'vpcp-sdk-edoc_replacement.edxml' : 'generated' },
      receipts: {
        algorithm: signer.algorithm,
        signedPerSec: round(receiptsPerSec),
        rawHubSignPerSec: round(hubSignPerSec),
        /** Target ≥ 5× the single-core RSA-2048 sign rate. */
        overRsa2048Sign: baseline.rsa2048SignPerSec ? round(receiptsPerSec / baseline.rsa2048SignPerSec) : null,
        allCores: { ...allCores, overRsa2048Sign: baseline.rsa2048SignPerSec ? round(allCores.signedPerSec / baseline.rsa2048SignPerSec) : null },
      },
      opensslSpeed: baseline,
    })}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
}
