/**
 * Verifies the whole log in the database: the chain from seq 1 and every
 * checkpoint, plus events that are neither chained nor waiting to be (a chain
 * row removed while its event stayed).
 *
 * On PostgreSQL a long chain is checked in windows by worker threads, each
 * with its own connection (reading rows and hashing them is CPU work; one
 * thread tops out below the database's pace). Each window is verified on its
 * own; the main thread then joins them: window k's first prev_hash must be
 * window k-1's last hash. The first failing seq is the same as a sequential
 * check would name.
 */
import { availableParallelism } from 'node:os';
import type { Queryable } from '../store/db.js';
import { readChain, readCheckpoints } from './read-chain.js';
import { loadCa, verifyAuditChain, type VerifyReport } from './verify-chain.js';
import { verifyCheckpoint } from './verify-checkpoint.js';
import type { VerifyWorkerData, VerifyWorkerReply, VerifyWorkerRequest } from './verify-worker.js';
import { HubError } from '../shared/hub-error.js';
import { startWorker } from '../shared/start-worker.js';

export interface VerifyDatabaseOptions {
  /** PEM of the hub's CA certificate. */
  caCertPem: string;
  /** PostgreSQL URL: lets worker threads read the chain in parallel. Without it (PGlite) one thread checks. */
  databaseUrl?: string | null;
  /** Worker threads; default the machine's available parallelism. 1 = no workers. */
  threads?: number;
  /** Entries per window handed to a worker; default 50,000. Shorter chains are checked in one thread. */
  windowSize?: number;
}

export async function verifyAuditDatabase(q: Queryable, opts: VerifyDatabaseOptions): Promise<VerifyReport> {
  // Up front: a bad CA is the caller's mistake (audit.bad_ca), not a failure of a worker reading the log.
  loadCa(opts.caCertPem);
  const checkpoints = await readCheckpoints(q);
  const threads = opts.threads ?? availableParallelism();
  const windowSize = opts.windowSize ?? 50_000;
  const head = await headSeq(q);
  const report =
    opts.databaseUrl && threads > 1 && head > BigInt(windowSize)
      ? await verifyInWorkers({ databaseUrl: opts.databaseUrl, caCertPem: opts.caCertPem, checkpoints }, head, threads, windowSize)
      : await verifyAuditChain(readChain(q), checkpoints, { caCertPem: opts.caCertPem, fromGenesis: true });
  if (!report.ok) return report;
  const orphan = await q.query<{ id: string }>(
    `SELECT e.id FROM audit_events e
     WHERE NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_id = e.id)
       AND NOT EXISTS (SELECT 1 FROM audit_pending p WHERE p.event_id = e.id)
     ORDER BY e.id LIMIT 1`,
  );
  const lost = orphan.rows[0];
  if (lost) {
    const next = (BigInt(report.lastSeq ?? '0') + 1n).toString();
    return { ...report, ok: false, firstFailure: { seq: next, reason: `event ${lost.id} is in the log but not in the chain` } };
  }
  return report;
}

async function headSeq(q: Queryable): Promise<bigint> {
  const r = await q.query<{ seq: string | null }>('SELECT max(seq)::text AS seq FROM audit_chain');
  return BigInt(r.rows[0]?.seq ?? '0');
}

interface Window {
  firstSeq: bigint;
  lastSeq: bigint;
}

/** Runs the windows of [1, head] on `threads` workers (each takes the next window when done) and joins the reports. */
async function verifyInWorkers(data: VerifyWorkerData, head: bigint, threads: number, windowSize: number): Promise<VerifyReport> {
  const windows: Window[] = [];
  for (let first = 1n; first <= head; first += BigInt(windowSize)) {
    const last = first + BigInt(windowSize) - 1n;
    windows.push({ firstSeq: first, lastSeq: last < head ? last : head });
  }
  const reports: (VerifyReport | undefined)[] = new Array<VerifyReport | undefined>(windows.length);
  let next = 0;
  // Once a window fails, later windows cannot change the first failing seq: stop handing them out.
  let failedAt: bigint | null = null;
  const url = new URL('./verify-worker.js', import.meta.url);

  const runWorker = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      // A larger young generation: verifying allocates many short-lived strings (measured: GC was a sixth of the time).
      const worker = startWorker(url, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: 64 } });
      let settled = false;
      const finish = (err?: Error): void => {
        if (settled) return;
        settled = true;
        if (err) {
          void worker.terminate();
          reject(err);
        } else {
          worker.postMessage({ kind: 'end' } satisfies VerifyWorkerRequest);
          resolve();
        }
      };
      const dispatch = (): void => {
        const w = windows[next];
        if (w === undefined || (failedAt !== null && w.firstSeq > failedAt)) return finish();
        worker.postMessage({ kind: 'window', index: next, firstSeq: w.firstSeq.toString(), lastSeq: w.lastSeq.toString() } satisfies VerifyWorkerRequest);
        next += 1;
      };
      worker.on('message', (m: VerifyWorkerReply) => {
        if ('error' in m) return finish(new HubError('audit.verify_failed', `cannot read the exchange log: ${m.error}`, { status: 503 }));
        reports[m.index] = m.report;
        const f = m.report.firstFailure;
        if (f && (failedAt === null || BigInt(f.seq) < failedAt)) failedAt = BigInt(f.seq);
        dispatch();
      });
      worker.once('error', (e) => finish(e));
      worker.once('exit', (code) => {
        if (!settled) finish(new Error(`verify worker exited with code ${code}`));
      });
      worker.once('online', dispatch);
    });

  await Promise.all(Array.from({ length: Math.min(threads, windows.length) }, runWorker));
  return joinWindows(windows, reports, data);
}

/** The report of the whole chain from its windows' reports (in order; the ones not run come after a failure). */
function joinWindows(windows: Window[], reports: (VerifyReport | undefined)[], data: VerifyWorkerData): VerifyReport {
  const out: VerifyReport = { ok: true, entries: 0, checkpoints: data.checkpoints.length, redacted: 0 };
  const failures: { seq: bigint; reason: string }[] = [];
  let prev: VerifyReport | undefined;
  // Windows in seq order: the first failure met (a join or inside a window) is the first failing seq.
  for (const r of reports) {
    if (r === undefined) break;
    if (prev?.lastHash !== undefined && r.firstPrevHash !== undefined && r.firstPrevHash !== prev.lastHash && r.firstSeq !== undefined) {
      failures.push({ seq: BigInt(r.firstSeq), reason: 'prev_hash does not match the previous entry' });
      break;
    }
    out.entries += r.entries;
    out.firstSeq ??= r.firstSeq;
    if (r.lastSeq !== undefined) out.lastSeq = r.lastSeq;
    if (r.lastHash !== undefined) out.lastHash = r.lastHash;
    if (r.signedThrough !== undefined) out.signedThrough = r.signedThrough;
    if (r.firstFailure) {
      failures.push({ seq: BigInt(r.firstFailure.seq), reason: r.firstFailure.reason });
      break;
    }
    prev = r;
  }
  // Checkpoints past the head were in no window: entries were removed (or the checkpoint is forged).
  const head = windows[windows.length - 1]!.lastSeq;
  const ca = loadCa(data.caCertPem);
  for (const cp of data.checkpoints) {
    if (BigInt(cp.seq) <= head) continue;
    const bad = verifyCheckpoint(cp, ca);
    failures.push(bad ? { seq: BigInt(cp.seq), reason: bad } : { seq: head + 1n, reason: `entries missing: a checkpoint covers seq ${cp.seq}` });
  }
  if (failures.length > 0) {
    failures.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
    out.ok = false;
    out.firstFailure = { seq: failures[0]!.seq.toString(), reason: failures[0]!.reason };
  }
  return out;
}
