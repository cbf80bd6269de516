/**
 * edXML parse benchmark. Prints ONE JSON object on stdout (progress on stderr).
 *
 *   npx tsx bench/edxml-parse.bench.ts
 *
 * Measures, on one core (single-threaded loop):
 * - a ~10 KB message (generated with the writer: three recipients, a 4 KB
 *   attachment) and the corpus's gateway-upload-1 (5 KB) when present:
 *   messages/s and MB/s for `readEdxml` (full read: tree, fields, attachment
 *   SHA-256) and for `parseXml` alone;
 * - the ~370 KB corpus document vpcp-sdk-edoc_replacement.edxml (or a generated
 *   one of that size when the corpus is absent);
 * - a generated 50 MB message (one 37 MB attachment, base64 in 76-char lines);
 * - peak RSS of reading the 50 MB message in a fresh child process
 *   (`process.resourceUsage().maxRSS` against the RSS before the file is read);
 * - the machine baseline: `sha256sum` MB/s on the same 50 MB file.
 * Targets: ≥ 2,000 10 KB messages/s; 50 MB read ≥ 25% of the sha256sum rate;
 * peak RSS increase ≤ 3× the document size.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildEdoc } from '../src/edxml/build-edxml.js';
import { readEdxml } from '../src/edxml/read-edxml.js';
import { DEFAULT_PARSE_LIMITS } from '../src/edxml/types.js';
import { parseXml } from '../src/edxml/xml/parse-xml.js';

const MB = 1024 * 1024;
const corpusDir = new URL('../../shared/corpus/real/', import.meta.url);
const log = (s: string): void => void process.stderr.write(`${s}\n`);
const round = (n: number, digits = 1): number => Number(n.toFixed(digits));

if (process.argv[2] === '--child') {
  // Fresh process: RSS before reading the file, then the peak while reading it.
  const file = process.argv[3]!;
  const baseline = process.memoryUsage().rss;
  const bytes = readFileSync(file);
  const start = process.hrtime.bigint();
  const message = readEdxml(bytes, { maxBytes: bytes.length });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const peak = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify({ size: bytes.length, baseline, peak, seconds, attachments: message.attachments.length }));
  process.exit(0);
}

/** Runs `fn` repeatedly for about `seconds`; returns runs per second. */
function rate(fn: () => unknown, seconds: number): { perSecond: number; runs: number } {
  for (let i = 0; i < 5; i++) fn(); // warm-up
  let runs = 0;
  const start = process.hrtime.bigint();
  const limit = BigInt(Math.round(seconds * 1e9));
  let elapsed = 0n;
  while (elapsed < limit) {
    fn();
    runs++;
    elapsed = process.hrtime.bigint() - start;
  }
  return { perSecond: runs / (Number(elapsed) / 1e9), runs };
}

function measure(name: string, bytes: Buffer, seconds: number): Record<string, unknown> {
  log(`… ${name} (${bytes.length} bytes)`);
  const limits = { ...DEFAULT_PARSE_LIMITS, maxBytes: Math.max(bytes.length, DEFAULT_PARSE_LIMITS.maxBytes) };
  const read = rate(() => readEdxml(bytes, limits), seconds);
  const parse = rate(() => parseXml(bytes, limits), seconds);
  return {
    bytes: bytes.length,
    readEdxml: { messagesPerSecond: round(read.perSecond), mbPerSecond: round((read.perSecond * bytes.length) / MB), runs: read.runs },
    parseXml: { messagesPerSecond: round(parse.perSecond), mbPerSecond: round((parse.perSecond * bytes.length) / MB), runs: parse.runs },
  };
}

function generated(attachmentBytes: number, recipients: number): Buffer {
  return buildEdoc({
    from: { organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ', organAdd: 'Số 1 Hoàng Hoa Thám, Ba Đình, Hà Nội' },
    to: Array.from({ length: recipients }, (_, i) => ({ organId: `000.00.00.H${10 + i}`, organName: `UBND Tỉnh số ${i}` })),
    documentId: '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT',
    code: { codeNumber: '7816', codeNotation: 'VPCP-TTĐT' },
    promulgationInfo: { place: 'Hà Nội', promulgationDate: '2018/09/28' },
    documentType: { type: '1', typeDetail: '0', typeName: 'Công văn' },
    subject: 'V/v kết nối, liên thông phần mềm quản lý văn bản',
    content: 'V/v kết nối, liên thông phần mềm quản lý văn bản',
    signerInfo: { competence: 'TL. BỘ TRƯỞNG', position: 'Cục trưởng', fullName: 'Nguyễn Thành Phúc' },
    otherInfo: { priority: 0, sphereOfPromulgation: 'Liên thông văn bản quốc gia', pageAmount: '22', appendixes: ['Phụ lục'] },
    steeringType: '1',
    toPlaces: ['Các bộ, cơ quan ngang bộ', 'Ủy ban nhân dân các tỉnh, TP'],
    traceHeaders: [{ organId: '000.00.00.G22', timestamp: '2018/09/28 00:00:00' }],
    business: { businessDocType: 0, paper: '0' },
    attachments: [{ contentId: '209', attachmentName: 'van-ban.pdf', contentType: 'application/pdf', data: randomBytes(attachmentBytes) }],
  });
}

const corpus = (name: string): Buffer | null => {
  const url = new URL(name, corpusDir);
  return existsSync(url) ? readFileSync(url) : null;
};

const dir = mkdtempSync(join(tmpdir(), 'edxml-bench-'));
try {
  const small = generated(4_000, 3);
  const results: Record<string, unknown> = {
    node: process.version,
    cpu: execFileSync('sh', ['-c', "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"]).toString().trim(),
    message10k: { source: 'generated', ...measure('generated 10 KB', small, 3) },
  };
  const upload = corpus('gateway-upload-1.edxml');
  if (upload) results.gatewayUpload1 = { source: 'corpus gateway-upload-1.edxml', ...measure('gateway-upload-1', upload, 2) };
  const replacement = corpus('vpcp-sdk-edoc_replacement.edxml');
  results.message370k = replacement
    ? { source: 'corpus vpcp-sdk-edoc_replacement.edxml', ...measure('vpcp-sdk-edoc_replacement', replacement, 3) }
    : { source: 'generated', ...measure('generated 370 KB', generated(270_000, 3), 3) };

  log('… building the 50 MB message');
  const big = generated(Math.floor((50 * MB * 3) / 4 / 1.0135), 3);
  const bigFile = join(dir, 'big.edxml');
  writeFileSync(bigFile, big);
  const big50 = measure('generated 50 MB', big, 8);

  log('… peak RSS in a fresh process');
  const self = fileURLToPath(import.meta.url);
  const child = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', bigFile], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(`child failed: ${child.stderr}`);
  const mem = JSON.parse(child.stdout) as { size: number; baseline: number; peak: number; seconds: number };

  log('… sha256sum baseline');
  let bestSha = Infinity;
  for (let i = 0; i < 3; i++) {
    const start = process.hrtime.bigint();
    execFileSync('sha256sum', [bigFile]);
    bestSha = Math.min(bestSha, Number(process.hrtime.bigint() - start) / 1e9);
  }
  const shaRate = big.length / MB / bestSha;
  const read50 = (big50.readEdxml as { mbPerSecond: number }).mbPerSecond;
  const increase = mem.peak - mem.baseline;

  results.message50m = {
    source: 'generated',
    ...big50,
    freshProcess: {
      seconds: round(mem.seconds, 3),
      rssBeforeReadMB: round(mem.baseline / MB),
      peakRssMB: round(mem.peak / MB),
      peakIncreaseMB: round(increase / MB),
      peakIncreaseTimesDocument: round(increase / mem.size, 2),
    },
  };
  results.sha256sumMBPerSecond = round(shaRate);
  results.targets = {
    messagesPerSecond10k: { target: 2000, measured: (results.message10k as { readEdxml: { messagesPerSecond: number } }).readEdxml.messagesPerSecond },
    largeVsSha256: { target: 0.25, measured: round(read50 / shaRate, 2) },
    peakRssIncreaseTimesDocument: { target: 3, measured: round(increase / mem.size, 2) },
  };
  process.stdout.write(`${JSON.stringify(results)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
