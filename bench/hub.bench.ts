/**
 * Exchange hub benchmark. Prints ONE JSON object on stdout (progress on stderr).
 *
 *   npx tsx bench/hub.bench.ts [--seconds 60] [--warmup 5] [--concurrency 96] [--page 200] [--poll 200]
 *   HUB_NODE_ARGS='--cpu-prof …' adds Node options to the hub; HUB_STDOUT=file keeps its output
 *   (e.g. --trace-gc lines); BENCH_DB_SOCKET=/var/run/postgresql makes it use PostgreSQL's socket.
 *
 * The hub runs as its own process (`edoc-hub start`, compiled: dist/ is built
 * first when older than src/) on the local PostgreSQL
 * (a temporary database) and Redis. A load generator in this process submits
 * ~10 KB documents from 000.00.00.G22 to three pull recipients over HTTPS with
 * keep-alive, while the three recipients (bench/inbox-pullers.ts, on the same
 * thread) poll their inbox for pages of documents with their bytes
 * (`include=bytes`) and acknowledge each page in one batch; a recipient polls
 * again at once after a full page, otherwise after `--poll` ms (as a document
 * system that drains its inbox, then waits a little). Phases:
 *  1. peak: closed loop (fixed concurrency) for `--seconds` (default 60), after
 *     `--warmup` seconds (default 5) of the same load that are not measured: a
 *     freshly started hub first grows its heap and compiles its hot code (on
 *     the session machine of 2026-11-30, ~250,000 page faults in its first
 *     ten seconds under load, ~1,000/s after);
 *  2. half: once the recipients have caught up, open loop at 50% of the measured
 *     peak, 2 s unmeasured then 20 s (latency at half load);
 *  3. signed: a short run of documents signed with G22's RSA key under the
 *     "required" policy (the other phases use unsigned documents under "lenient").
 * Then it waits for every delivery to be acknowledged and checks the counts.
 * Targets (issue 4): ≥ 1,000 accepted/s and ≥ 3,000 deliveries/s sustained,
 * p99 accept < 50 ms at half load, nothing lost.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { existsSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { Redis } from 'ioredis';
import { buildEdoc } from '../src/edxml/build-edxml.js';
import { signEdxml } from '../src/pki/xmldsig/sign-edxml.js';
import { ensureTestCerts, testLayout } from '../test/helpers/test-certs.js';
import { createTestDatabase } from '../test/helpers/test-db.js';
import { freePort } from '../test/helpers/child-hub.js';
import { getAgencies, upsertAgency } from '../src/store/agency-repo.js';
import { sameDevice, startFlushProbe } from './disk-probe.js';
import { percentile } from './percentile.js';
import { client } from './https-client.js';
import { pullInboxes } from './inbox-pullers.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' }, warmup: { type: 'string', default: '5' }, concurrency: { type: 'string', default: '96' }, page: { type: 'string', default: '200' }, poll: { type: 'string', default: '200' } } });
const PAGE = Number(values.page);
/** How long a recipient waits before polling again after a page that was not full (a full page: again at once). */
const POLL_MS = Number(values.poll);
const PEAK_SECONDS = Number(values.seconds);
const WARMUP_SECONDS = Number(values.warmup);
const CONCURRENCY = Number(values.concurrency);
const log = (s: string): void => void process.stderr.write(`${s}\n`);
const G22 = '000.00.00.G22';
const RECIPIENTS = ['000.00.00.H41', '000.00.00.H14', '000.00.00.G17'];
const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The hub as `npx edoc-hub start` runs it: compiled (from source, tsx's wrappers took ~2 % of its CPU). */
const MAIN = join(ROOT, 'dist/cli/main.js');

/** Builds dist/ when it is missing or older than a file in src/, so the bench never measures stale code. */
function ensureBuilt(): void {
  const built = existsSync(MAIN) ? statSync(MAIN).mtimeMs : 0;
  const src = join(ROOT, 'src');
  const stale = readdirSync(src, { recursive: true, encoding: 'utf8' }).some((f) => statSync(join(src, f)).mtimeMs > built);
  if (!stale) return;
  log('building dist/ (missing or older than src/)');
  // The build's output goes to stderr: stdout carries only the JSON.
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
}

function doc(i: number, tag: string): Buffer {
  return buildEdoc({
    from: { organId: G22, organName: 'Văn phòng Chính phủ' },
    to: RECIPIENTS.map((organId) => ({ organId })),
    documentId: `${G22},2026/11/23,${tag}-${i}/VPCP-BENCH`,
    code: { codeNumber: String(i), codeNotation: 'VPCP-BENCH' },
    subject: `Văn bản thử tải số ${i}`,
    otherInfo: { priority: 0 },
    attachments: [{ contentId: `a${i}`, attachmentName: 'vb.pdf', contentType: 'application/pdf', data: randomBytes(6 * 1024) }],
  });
}

const round = (n: number, d = 1): number => Number(n.toFixed(d));

/** Percent of `latencies` (ms) above `ms`. */
const percentOverMs = (latencies: readonly number[], ms: number): number => round((100 * latencies.filter((l) => l > ms).length) / Math.max(1, latencies.length), 2);

/** What a local process has used so far, from /proc. */
interface ProcessUse {
  /** CPU seconds, user + system (clock ticks of 1/100 s). */
  cpu: number;
  /** Minor page faults: first touches of memory the process had not used yet (each a trip through the kernel). */
  faults: number;
}

function useOf(pid: number): ProcessUse {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { cpu: (Number(fields[11]) + Number(fields[12])) / 100, faults: Number(fields[7]) };
}

const noUse = (): ProcessUse => ({ cpu: 0, faults: 0 });
const usedSince = (after: ProcessUse, before: ProcessUse): ProcessUse => ({ cpu: after.cpu - before.cpu, faults: after.faults - before.faults });

/**
 * The machine's 2 MiB huge pages (/proc/meminfo): how many are reserved and how many are taken
 * (mapped, or promised to a mapping such as PostgreSQL's shared buffers under `huge_pages = try`).
 * PostgreSQL's backends cost less CPU on them where a fresh page is dear: docs/operations.md.
 */
function hugePages(): { total: number; taken: number } {
  const info = readFileSync('/proc/meminfo', 'utf8');
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(info)?.[1] ?? 0);
  const total = field('HugePages_Total');
  return { total, taken: total - field('HugePages_Free') + field('HugePages_Rsvd') };
}

/** The local Redis server's pid (0 when it is not on this machine or not reachable). */
async function redisInfoPid(): Promise<number> {
  const redis = new Redis({ lazyConnect: true });
  try {
    await redis.connect();
    const pid = Number((await redis.info('server')).match(/^process_id:(\d+)/m)?.[1] ?? 0);
    readFileSync(`/proc/${pid}/stat`); // on this machine
    return pid;
  } catch {
    return 0;
  } finally {
    redis.disconnect();
  }
}

async function main(): Promise<void> {
  ensureBuilt();
  await ensureTestCerts();
  const tdb = await createTestDatabase({ poolSize: 2 });
  const prefix = `edoc-bench-${randomBytes(3).toString('hex')}`;
  const port = await freePort();
  const base = `https://127.0.0.1:${port}`;
  const agencies = await getAgencies(tdb.db, [G22]);
  if (agencies.size === 0) {
    const { importDirectory } = await import('../src/store/agency-repo.js');
    const { loadDirectoryFile } = await import('../src/directory/load-directory-file.js');
    await tdb.db.tx(async (q) => importDirectory(q, await loadDirectoryFile()));
  }
  const g22 = (await getAgencies(tdb.db, [G22])).get(G22)!;
  await upsertAgency(tdb.db, { ...g22, signaturePolicy: 'lenient' });
  // Readable by superusers and pg_read_all_settings only: otherwise "same device" is reported as unknown.
  const dataDirectory = await tdb.db
    .query<{ d: string }>("SELECT current_setting('data_directory') AS d")
    .then((r) => r.rows[0]?.d ?? '')
    .catch(() => '');
  // The disk's flush latency on an idle machine, for comparison with the same under load (phase 2).
  log('the disk alone: 3 s of 8 KiB writes with fdatasync');
  const idleProbe = startFlushProbe();
  await sleep(3_000);
  const flushIdle = await idleProbe.stop();
  await tdb.db.close();

  // The hub reaches PostgreSQL over its Unix socket when there is one (as on a database host of its own it would over TCP).
  const hubDbUrl = process.env.BENCH_DB_SOCKET ? `postgres://postgres@${encodeURIComponent(process.env.BENCH_DB_SOCKET)}/${tdb.name}` : tdb.url;
  log(`starting the hub on ${base} (database ${tdb.name} via ${hubDbUrl}, queue prefix ${prefix})`);
  const extraArgs = process.env.HUB_NODE_ARGS ? process.env.HUB_NODE_ARGS.split(' ') : [];
  const hub: ChildProcess = spawn(process.execPath, [...extraArgs, MAIN, 'start'], {
    env: { ...process.env, DATABASE_URL: hubDbUrl, EDOC_CERTS_DIR: testLayout().dir, EDOC_PORT: String(port), EDOC_QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn', EDOC_DB_POOL: '16' },
    // HUB_STDOUT=file keeps the hub's standard output (its logs, or V8's --trace-gc lines).
    stdio: ['ignore', process.env.HUB_STDOUT ? openSync(process.env.HUB_STDOUT, 'w') : 'ignore', 'inherit'],
  });
  const admin = new pg.Pool({ connectionString: tdb.url, max: 2 });
  const sender = client(base, G22, CONCURRENCY);
  for (let i = 0; i < 300; i++) {
    try {
      if ((await sender.request('GET', '/health/ready')).status === 200) break;
    } catch {
      // not up yet
    }
    await sleep(100);
  }

  // Recipients (bench/inbox-pullers.ts), on this thread beside the submitter.
  let acked = 0;
  let stopping = false;
  const pullers = pullInboxes(
    { base, recipients: RECIPIENTS, page: PAGE, pollMs: POLL_MS },
    (m) => {
      if ('acked' in m) acked += m.acked;
      else log(`puller: ${m.error}`);
    },
    () => stopping,
  );

  const docs: Buffer[] = [];
  let made = 0;
  // Unsigned documents are made from one template by writing a fixed-width number over a
  // marker (building each with the XML writer would cost the load generator more than the hub).
  const MARK = 'N'.repeat(10);
  const template = doc(0, MARK);
  const marks: number[] = [];
  for (let at = template.indexOf(MARK); at >= 0; at = template.indexOf(MARK, at + 1)) marks.push(at);
  if (marks.length === 0) throw new Error('the template has no marker');
  const nextDoc = (tag: string): Buffer => {
    if (tag === 's') return doc(made++, tag);
    const d = Buffer.from(template);
    const n = `${tag}${String(made++).padStart(MARK.length - 1, '0')}`;
    for (const at of marks) d.write(n, at, 'latin1');
    return d;
  };
  let accepted = 0;
  let errors = 0;
  const sizes: number[] = [];

  async function submit(body: Buffer, latencies: number[]): Promise<void> {
    const t0 = performance.now();
    const r = await sender.request('POST', '/v1/messages', body);
    latencies.push(performance.now() - t0);
    if (r.status === 202) accepted += 1;
    else {
      errors += 1;
      if (errors < 5) log(`submission refused: ${r.status} ${r.body.toString().slice(0, 200)}`);
    }
  }

  /** The closed loop: `CONCURRENCY` submissions in flight until `seconds` have passed. */
  const closedLoop = async (seconds: number, latencies: number[]): Promise<void> => {
    const end = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < end) {
          const d = nextDoc('p');
          sizes.push(d.length);
          await submit(d, latencies);
        }
      }),
    );
  };
  if (WARMUP_SECONDS > 0) {
    log(`warm-up: closed loop, ${CONCURRENCY} in flight, ${WARMUP_SECONDS} s (not measured)`);
    await closedLoop(WARMUP_SECONDS, []);
  }

  // Phase 1: closed loop at fixed concurrency.
  log(`phase 1: closed loop, ${CONCURRENCY} in flight, ${PEAK_SECONDS} s`);
  const peakLat: number[] = [];
  const rssSamples: number[] = [];
  const readRss = (): void => {
    try {
      const status = readFileSync(`/proc/${hub.pid}/status`, 'utf8');
      const m = status.match(/VmRSS:\s+(\d+) kB/);
      if (m) rssSamples.push(Number(m[1]) * 1024);
    } catch {
      // process gone
    }
  };
  const rssTimer = setInterval(readRss, 500);
  /** CPU and page faults of the hub process: robust to other load on the machine. */
  const hubUse = (): ProcessUse => useOf(hub.pid!);
  /** The same of the PostgreSQL backends serving the bench database (the server's shared processes are not counted). */
  const backendUse = async (): Promise<Map<number, ProcessUse>> => {
    const pids = await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    const use = new Map<number, ProcessUse>();
    for (const { pid } of pids.rows) {
      try {
        use.set(pid, useOf(pid));
      } catch {
        // a backend on another host, or gone
      }
    }
    return use;
  };
  // Redis and this process (the load generator and the recipients) share the same cores: their use is reported too.
  const redisPid = await redisInfoPid();
  const otherUse = (): { redis: ProcessUse; loadGenerator: ProcessUse } => {
    const own = process.resourceUsage();
    return { redis: redisPid ? useOf(redisPid) : noUse(), loadGenerator: { cpu: (own.userCPUTime + own.systemCPUTime) / 1e6, faults: own.minorPageFault } };
  };
  const otherBefore = otherUse();
  const pgBefore = await backendUse();
  // WAL written over the peak (the whole server's; nothing else writes during a bench): a measure of the database's work that noise does not move.
  const walLsn = async (): Promise<string> => (await admin.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]!.lsn;
  const walBefore = await walLsn();
  const hubBefore = hubUse();
  const acceptedBefore = accepted;
  const ackedBefore = acked;
  /** The hub's /metrics page, scraped once at each end of a phase; the readers below parse that one text. */
  const scrapeMetrics = async (): Promise<string> => (await sender.request('GET', '/metrics')).body.toString();
  // Group commit, from the hub's own metrics: transactions, submissions in them, and their time.
  const commitTotals = (text: string): { count: number; submissions: number; seconds: number } => {
    const v = (name: string): number => Number(text.match(new RegExp(`^edoc_hub_${name} (\\S+)$`, 'm'))?.[1] ?? NaN);
    return { count: v('commit_submissions_count'), submissions: v('commit_submissions_sum'), seconds: v('commit_seconds_sum') };
  };
  const commitsBetween = (a: { count: number; submissions: number; seconds: number }, b: typeof a): { transactions: number; submissionsPerTransaction: number; meanMs: number } => {
    const n = b.count - a.count;
    return { transactions: n, submissionsPerTransaction: round((b.submissions - a.submissions) / Math.max(1, n)), meanMs: round(((b.seconds - a.seconds) * 1000) / Math.max(1, n), 2) };
  };
  const commits1 = commitTotals(await scrapeMetrics());
  const t1 = performance.now();
  await closedLoop(PEAK_SECONDS, peakLat);
  const s1 = (performance.now() - t1) / 1000;
  const commits2 = commitTotals(await scrapeMetrics());
  const hubPeak = usedSince(hubUse(), hubBefore);
  const otherAfter = otherUse();
  const redisPeak = usedSince(otherAfter.redis, otherBefore.redis);
  const loadGeneratorPeak = usedSince(otherAfter.loadGenerator, otherBefore.loadGenerator);
  const pgPeak = noUse();
  for (const [pid, after] of await backendUse()) {
    const used = usedSince(after, pgBefore.get(pid) ?? noUse());
    pgPeak.cpu += used.cpu;
    pgPeak.faults += used.faults;
  }
  const hugePagesAtPeak = hugePages();
  const walPeakBytes = Number((await admin.query<{ n: string }>('SELECT pg_wal_lsn_diff($1, $2)::text AS n', [await walLsn(), walBefore])).rows[0]!.n);
  // Counted now: the per-document CPU figures below divide the peak's CPU by the peak's documents only.
  const acceptedInPeak = Math.max(1, accepted - acceptedBefore);
  const peakAccepted = (accepted - acceptedBefore) / s1;
  const peakDelivered = (acked - ackedBefore) / s1;
  peakLat.sort((a, b) => a - b);
  log(`peak: ${round(peakAccepted)} accepted/s, ${round(peakDelivered)} deliveries acked/s`);

  // Phase 2: open loop at half the peak, in a steady state: the recipients first catch up with
  // the peak's backlog, then 2 s unmeasured. (In one instrumented run that started it at once, its
  // first half second measured the peak's tail: transactions of 30–45 ms behind the recipients'
  // large pages, accepts of 50–80 ms.)
  const halfRate = Math.max(1, peakAccepted / 2);
  const backlogStart = performance.now();
  while (acked < accepted * RECIPIENTS.length && performance.now() - backlogStart < 60_000) await sleep(50);
  const backlogSeconds = (performance.now() - backlogStart) / 1000;
  log(`phase 2: the recipients caught up in ${round(backlogSeconds)} s; open loop at ${round(halfRate)} submissions/s, 2 s unmeasured, then 20 s`);
  const openLoop = async (seconds: number, latencies: number[]): Promise<void> => {
    const inflight: Promise<void>[] = [];
    const start = performance.now();
    for (let i = 0; performance.now() - start < seconds * 1000; i++) {
      const due = start + (i * 1000) / halfRate;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      inflight.push(submit(nextDoc('h'), latencies));
    }
    await Promise.all(inflight);
  };
  await openLoop(2, []);
  const halfLat: number[] = [];
  // The hub's event-loop delay over this phase (prom-client resets its histogram at each scrape).
  const eventLoop = (text: string): { p50Ms: number; p99Ms: number; maxMs: number } => {
    const v = (name: string): number => round(Number(text.match(new RegExp(`^edoc_hub_process_nodejs_eventloop_lag_${name}_seconds (\\S+)$`, 'm'))?.[1] ?? NaN) * 1000);
    return { p50Ms: v('p50'), p99Ms: v('p99'), maxMs: v('max') };
  };
  // The hub's own histograms over this phase: its accepts (handler start to commit answered: beside the
  // latency seen here, they tell the hub's waits from this process's, which shares the cores) and its
  // group-commit transactions (locks to COMMIT: a slow one holds every accept queued behind it).
  const histogramBuckets = (text: string, name: string): Map<string, number> => {
    const m = new Map<string, number>();
    for (const [, le, v] of text.matchAll(new RegExp(`^edoc_hub_${name}_bucket\\{le="([^"]+)"\\} (\\S+)$`, 'gm'))) m.set(le!, Number(v));
    return m;
  };
  /**
   * The hub's garbage collections by kind (prom-client's `nodejs_gc_duration_seconds`, whose
   * lines read `…_bucket{le="0.01",kind="major"} 3`): count, seconds in total, and how many took
   * up to 10 ms. Its mark-compacts (`major`) are what the slow accepts at half load cluster
   * around (docs/benchmarks.md, twelfth session).
   */
  type GcKindTotals = { count: number; seconds: number; upTo10Ms: number };
  type GcTotals = Map<string, GcKindTotals>;
  const noGc = (): GcKindTotals => ({ count: 0, seconds: 0, upTo10Ms: 0 });
  const gcTotals = (text: string): GcTotals => {
    const totals: GcTotals = new Map();
    const of = (kind: string): GcKindTotals => {
      const e = totals.get(kind) ?? noGc();
      totals.set(kind, e);
      return e;
    };
    const line = /^edoc_hub_process_nodejs_gc_duration_seconds_(count|sum|bucket)\{(?:le="([^"]+)",)?kind="(\w+)"\} (\S+)$/gm;
    for (const [, part, le, kind, v] of text.matchAll(line)) {
      if (part === 'count') of(kind!).count = Number(v);
      else if (part === 'sum') of(kind!).seconds = Number(v);
      else if (le === '0.01') of(kind!).upTo10Ms = Number(v);
    }
    return totals;
  };
  /** The collections between two `gcTotals` scrapes, per kind. */
  const gcBetween = (before: GcTotals, after: GcTotals): Record<string, { count: number; totalMs: number; over10Ms: number }> =>
    Object.fromEntries(
      [...after].map(([kind, a]) => {
        const b = before.get(kind) ?? noGc();
        const count = a.count - b.count;
        return [kind, { count, totalMs: round((a.seconds - b.seconds) * 1000), over10Ms: count - (a.upTo10Ms - b.upTo10Ms) }];
      }),
    );
  /** Percent of the observations between two scrapes that took longer than `le` seconds. */
  const percentOver = (before: Map<string, number>, after: Map<string, number>, le: string): number => {
    const n = Math.max(1, (after.get('+Inf') ?? 0) - (before.get('+Inf') ?? 0));
    return round((100 * (n - ((after.get(le) ?? 0) - (before.get(le) ?? 0)))) / n, 2);
  };
  // This scrape also starts the event-loop histogram afresh for the phase.
  const metrics2 = await scrapeMetrics();
  const gc2 = gcTotals(metrics2);
  const accepts2 = histogramBuckets(metrics2, 'accept_seconds');
  const commitTimes2 = histogramBuckets(metrics2, 'commit_seconds');
  const flushProbe = startFlushProbe();
  // This process's own event-loop delay over the phase: a submission's latency as timed here includes it.
  const ownLoop = monitorEventLoopDelay({ resolution: 1 });
  ownLoop.enable();
  await openLoop(20, halfLat);
  ownLoop.disable();
  const flushHalf = await flushProbe.stop();
  const metrics3 = await scrapeMetrics();
  const halfEventLoop = eventLoop(metrics3);
  const gc3 = gcTotals(metrics3);
  const accepts3 = histogramBuckets(metrics3, 'accept_seconds');
  const commitTimes3 = histogramBuckets(metrics3, 'commit_seconds');
  const hubOver = (le: string): number => percentOver(accepts2, accepts3, le);
  const commitOver = (le: string): number => percentOver(commitTimes2, commitTimes3, le);
  const commits3 = commitTotals(metrics3);
  halfLat.sort((a, b) => a - b);

  // Phase 3: signed documents under the "required" policy.
  const l = testLayout();
  const keyPem = readFileSync(l.agencyKey(G22), 'utf8');
  const certPem = readFileSync(l.agencyCert(G22), 'utf8');
  const signedCount = 1500;
  log(`phase 3: signing ${signedCount} documents with G22's key`);
  for (let i = 0; i < signedCount; i++) docs.push(signEdxml(nextDoc('s'), { keyPem, certPem, c14n: 'exclusive' }));
  await admin.query("UPDATE agencies SET signature_policy = 'required' WHERE organ_id = $1", [G22]);
  await sleep(5_500); // the hub reads a directory change made elsewhere within 5 s
  const signedLat: number[] = [];
  const t3 = performance.now();
  let cursor = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (cursor < docs.length) await submit(docs[cursor++]!, signedLat);
    }),
  );
  const s3 = (performance.now() - t3) / 1000;
  signedLat.sort((a, b) => a - b);

  // Drain: every delivery acknowledged, counts checked.
  log('draining: waiting for every delivery to be acknowledged');
  const expected = accepted * RECIPIENTS.length;
  const drainStart = performance.now();
  const ackedAtDrain = acked;
  while (acked < expected && performance.now() - drainStart < 180_000) await sleep(200);
  const drainSeconds = (performance.now() - drainStart) / 1000;
  stopping = true;
  await pullers;
  clearInterval(rssTimer);
  const counts = (
    await admin.query<{ messages: string; deliveries: string; acknowledged: string; log: string }>(
      `SELECT (SELECT count(*) FROM messages) AS messages, (SELECT count(*) FROM deliveries) AS deliveries,
              (SELECT count(*) FROM deliveries WHERE state = 'acknowledged') AS acknowledged, (SELECT count(*) FROM audit_events) AS log`,
    )
  ).rows[0]!;

  await sender.close();
  hub.kill('SIGTERM');
  await new Promise((r) => hub.once('exit', r));
  await admin.end();
  const redis = new Redis();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  await tdb.drop();

  const result = {
    bench: 'hub',
    machine: { cpus: os.cpus().length },
    documentBytes: Math.round(sizes.reduce((a, b) => a + b, 0) / Math.max(1, sizes.length)),
    recipientsPerDocument: RECIPIENTS.length,
    concurrency: CONCURRENCY,
    warmupSeconds: WARMUP_SECONDS,
    inboxPage: PAGE,
    pollMs: POLL_MS,
    peak: {
      seconds: round(s1),
      hubCpuSeconds: round(hubPeak.cpu),
      /** Hub CPU per accepted document including its share of fetches and acks: a load-independent cost. */
      hubCpuMsPerAccepted: round((hubPeak.cpu * 1000) / acceptedInPeak, 3),
      /** The same for the PostgreSQL backends serving the hub (WAL writer and checkpointer not included). */
      postgresBackendCpuMsPerAccepted: round((pgPeak.cpu * 1000) / acceptedInPeak, 3),
      /** WAL bytes per accepted document, its deliveries' fetches and acks and its log entries included. */
      walBytesPerAccepted: Math.round(walPeakBytes / acceptedInPeak),
      redisCpuMsPerAccepted: round((redisPeak.cpu * 1000) / acceptedInPeak, 3),
      /** This process: the HTTPS clients that submit, poll, check and acknowledge. */
      loadGeneratorCpuMsPerAccepted: round((loadGeneratorPeak.cpu * 1000) / acceptedInPeak, 3),
      /** First touches of new memory per accepted document: each costs what `baseline.freshPageMicroseconds` says (~10 µs on some virtual machines). */
      pageFaultsPerAccepted: {
        hub: round(hubPeak.faults / acceptedInPeak),
        postgresBackends: round(pgPeak.faults / acceptedInPeak),
        loadGenerator: round(loadGeneratorPeak.faults / acceptedInPeak),
      },
      acceptedPerSecond: round(peakAccepted),
      deliveriesAckedPerSecond: round(peakDelivered),
      acceptLatencyMs: { p50: round(percentile(peakLat, 50), 2), p99: round(percentile(peakLat, 99), 2) },
      groupCommit: commitsBetween(commits1, commits2),
    },
    halfLoad: {
      /** Seconds the recipients took, after the peak, to acknowledge its backlog (this phase starts after). */
      recipientsCaughtUpSeconds: round(backlogSeconds, 2),
      targetPerSecond: round(halfRate),
      acceptLatencyMs: { p50: round(percentile(halfLat, 50), 2), p99: round(percentile(halfLat, 99), 2) },
      /**
       * Share of these accepts (%) over 25, 50 and 100 ms as timed here, beside `hubTimedOverMsPercent`:
       * the difference is the time outside the hub's handler (waiting in its socket while its event loop
       * is busy, the response's way back, this process's own delays).
       */
      overMsPercent: { '25': percentOverMs(halfLat, 25), '50': percentOverMs(halfLat, 50), '100': percentOverMs(halfLat, 100) },
      /** How long the hub's event loop was held up: work that every request in flight waits behind. */
      hubEventLoopDelayMs: halfEventLoop,
      /** The same for this process (the submitter and the recipients' polls share its thread). */
      loadGeneratorEventLoopDelayMs: { p50Ms: round(ownLoop.percentile(50) / 1e6), p99Ms: round(ownLoop.percentile(99) / 1e6), maxMs: round(ownLoop.max / 1e6) },
      /** The hub's garbage collections over this phase by kind: how many, their total time, how many over 10 ms. */
      hubGc: gcBetween(gc2, gc3),
      /** Share of these accepts (%) over 25, 50 and 100 ms as the hub timed them (its handler, not the network or this process). */
      hubTimedOverMsPercent: { '25': hubOver('0.025'), '50': hubOver('0.05'), '100': hubOver('0.1') },
      groupCommit: { ...commitsBetween(commits2, commits3), overMsPercent: { '10': commitOver('0.01'), '25': commitOver('0.025'), '50': commitOver('0.05') } },
      /**
       * The disk's own flush latency over this phase (8 KiB + fdatasync every 5 ms in the temporary
       * directory): each accept waits for one WAL flush, so a stall of the disk under write load
       * is a stall of every accept waiting for that flush, whatever the hub does.
       */
      diskFlushMs: flushHalf,
    },
    signedRequired: {
      documents: signedCount,
      acceptedPerSecond: round(signedCount / s3),
      acceptLatencyMs: { p50: round(percentile(signedLat, 50), 2), p99: round(percentile(signedLat, 99), 2) },
    },
    /** After the submissions stop: how fast the three recipients empty their inboxes (fetch each, batch ack). */
    drain: { deliveries: acked - ackedAtDrain, seconds: round(drainSeconds), deliveriesPerSecond: round((acked - ackedAtDrain) / Math.max(0.001, drainSeconds)) },
    /** The same flush probe on the idle machine before the hub started. */
    diskFlushIdleMs: { ...flushIdle, sameDeviceAsPostgres: sameDevice(os.tmpdir(), dataDirectory) },
    hubPeakRssMB: round(Math.max(0, ...rssSamples) / 1048576),
    /** At the end of the peak: 0 taken means PostgreSQL's shared buffers are on 4 KiB pages. */
    hugePages: hugePagesAtPeak,
    counts: {
      accepted,
      refused: errors,
      messagesInDatabase: Number(counts.messages),
      deliveries: Number(counts.deliveries),
      acknowledged: Number(counts.acknowledged),
      /** Exchange-log entries per accepted document, its deliveries' fetches and acknowledgements included (the log's rows are most of its cost). */
      logEntriesPerAccepted: round(Number(counts.log) / Math.max(1, accepted), 3),
      nothingLost: Number(counts.messages) === accepted && Number(counts.acknowledged) === expected && Number(counts.deliveries) === expected,
    },
    targets: { acceptedPerSecond: 1000, deliveriesPerSecond: 3000, halfLoadP99Ms: 50 },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`hub bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
