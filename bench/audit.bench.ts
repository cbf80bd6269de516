/**
 * Exchange-log benchmark on the local PostgreSQL (its own temporary database,
 * dropped at the end). Prints ONE JSON object.
 *
 *   npx tsx bench/audit.bench.ts            # 1,000,000 events
 *   AUDIT_BENCH_EVENTS=100000 npx tsx bench/audit.bench.ts
 *
 * Steps: seed events with one INSERT … SELECT generate_series; seal them with
 * the real sealer (same code and hashes as production); time filtered,
 * paginated queries; export MB/s; verify entries/s; the cost of logging on the
 * hub's accept path (accepted/s with and without its log entries).
 */
import { randomBytes, sign } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDb } from '../src/store/open-db.js';
import type { Db } from '../src/store/db.js';
import { createAuditSealer } from '../src/audit/sealer.js';
import { queryAuditEvents } from '../src/audit/query-events.js';
import { exportAuditEvents } from '../src/audit/export-events.js';
import { verifyAuditDatabase } from '../src/audit/verify-database.js';
import type { AuditSigner } from '../src/audit/audit-signer.js';
import { pino } from 'pino';
import { buildEdoc } from '../src/edxml/build-edxml.js';
import { acceptMessage } from '../src/exchange/accept-message.js';
import { noMetrics, type ExchangeDeps } from '../src/exchange/exchange-deps.js';
import { loadConfig } from '../src/config/config.js';
import { getAgencies, importDirectory, upsertAgency } from '../src/store/agency-repo.js';
import { loadDirectoryFile } from '../src/directory/load-directory-file.js';
import { createExchangeDeps } from '../src/hub/create-exchange-deps.js';
import { createTrustStore } from '../src/pki/trust-store.js';
import { HUB_SIGNER_URN } from '../src/pki/identity-of-certificate.js';
import { ensureTestCerts, testLayout } from '../test/helpers/test-certs.js';
import { percentile } from './percentile.js';

const ADMIN_URL = process.env.EDOC_TEST_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const EVENTS = Number(process.env.AUDIT_BENCH_EVENTS ?? 1_000_000);
const AGENCIES = 60;
const DAYS = 30;
const QUERIES = 200;
const ACCEPT_SECONDS = Number(process.env.AUDIT_BENCH_ACCEPT_SECONDS ?? 5);
const ACCEPT_WARMUP_SECONDS = Number(process.env.AUDIT_BENCH_ACCEPT_WARMUP ?? 30);
const CLIENTS = 8;

function makePki(): { signer: AuditSigner; caCertPem: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'edoc-audit-bench-'));
  try {
    const f = (n: string) => path.join(dir, n);
    const o = (...a: string[]) => execFileSync('openssl', a, { stdio: ['ignore', 'ignore', 'pipe'] });
    o('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', f('ca.key'));
    o('req', '-x509', '-new', '-key', f('ca.key'), '-subj', '/CN=Bench CA', '-days', '2', '-out', f('ca.pem'));
    o('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', f('hub.key'));
    o('req', '-new', '-key', f('hub.key'), '-subj', '/CN=Bench Hub', '-out', f('hub.csr'));
    const privateKey = readFileSync(f('hub.key'), 'utf8');
    // The hub's signing certificate is known by its SAN URI (checkpoints signed by any other do not count).
    writeFileSync(f('hub.ext'), `subjectAltName=URI:${HUB_SIGNER_URN}\n`);
    o('x509', '-req', '-in', f('hub.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '1', '-extfile', f('hub.ext'), '-out', f('hub.pem'));
    return {
      caCertPem: readFileSync(f('ca.pem'), 'utf8'),
      signer: { certificatePem: readFileSync(f('hub.pem'), 'utf8'), algorithm: 'ecdsa-sha256', sign: (d) => sign('sha256', d, privateKey) },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

const pct = (sorted: number[], p: number): number => Number(percentile(sorted, p).toFixed(2));

async function latency(n: number, fn: (i: number) => Promise<unknown>): Promise<{ p50: number; p95: number; n: number }> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: pct(times, 50), p95: pct(times, 95), n };
}

const organ = (i: number) => `000.00.${String(i % 100).padStart(2, '0')}.H${String(i).padStart(2, '0')}`;

/** Index definitions of the log tables, dropped during the bulk seed and rebuilt after (much faster than row-by-row maintenance). */
async function logIndexes(db: Db): Promise<string[]> {
  const r = await db.query<{ def: string; name: string }>(
    `SELECT indexdef AS def, indexname AS name FROM pg_indexes
     WHERE tablename IN ('audit_events', 'audit_event_organs') AND indexname NOT LIKE '%_pkey'`,
  );
  return r.rows.map((x) => x.def);
}

async function seed(db: Db, t0Ms: number): Promise<void> {
  const defs = await logIndexes(db);
  for (const def of defs) await db.query(`DROP INDEX ${/INDEX (\S+) ON/.exec(def)![1]}`);
  // Sender i % AGENCIES, recipient (i*7+3) % AGENCIES (never the same); one message per 3 events; times spread over DAYS.
  await db.query(`
    INSERT INTO audit_events (at, type, actor, organs, message_id, delivery_id, document_id, data)
    SELECT date_trunc('milliseconds', to_timestamp(${t0Ms / 1000} + (g::float8 / ${EVENTS}) * ${DAYS} * 86400)),
           (ARRAY['message.accepted','delivery.queued','delivery.pushed','delivery.acknowledged','status.routed','message.rejected'])[1 + g % 6],
           s.o, ARRAY[s.o, r.o], 'm-' || (g / 3), 'd-' || g,
           '000.00.00.G22,2026/01/01,' || (g / 3) || '/VPCP',
           jsonb_build_object('sha256', md5(g::text) || md5((g + 1)::text), 'size', 10000 + g % 5000, 'kind', 'edoc')
    FROM generate_series(1, ${EVENTS}) g
    CROSS JOIN LATERAL (SELECT '000.00.' || lpad(((g % ${AGENCIES}) % 100)::text, 2, '0') || '.H' || lpad((g % ${AGENCIES})::text, 2, '0') AS o) s
    CROSS JOIN LATERAL (SELECT '000.00.' || lpad((((g * 7 + 3) % ${AGENCIES}) % 100)::text, 2, '0') || '.H' || lpad(((g * 7 + 3) % ${AGENCIES})::text, 2, '0') AS o) r
  `);
  // The rows appendAuditEvents writes beside each event: its sealer-queue row and its agency index rows.
  await db.query('INSERT INTO audit_pending (event_id) SELECT id FROM audit_events');
  await db.query('INSERT INTO audit_event_organs (organ, at, event_id, event_ids) SELECT o, e.at, e.id, ARRAY[e.id] FROM audit_events e CROSS JOIN LATERAL unnest(e.organs) AS o');
  for (const def of defs) await db.query(def);
  for (const t of ['audit_events', 'audit_event_organs', 'audit_pending']) await db.query(`ANALYZE ${t}`);
}

const G22 = '000.00.00.G22';
const RECIPIENTS = ['000.00.00.H41', '000.00.00.H14', '000.00.00.G17'];

/** A ~10 KB document from G22 to 3 pull recipients; `DOCID` in it is replaced per submission. */
function documentTemplate(): string {
  return buildEdoc({
    from: { organId: G22, organName: 'Văn phòng Chính phủ' },
    to: RECIPIENTS.map((organId) => ({ organId })),
    documentId: `${G22},2026/11/23,DOCID/VPCP-BENCH`,
    code: { codeNumber: '1', codeNotation: 'VPCP-BENCH' },
    subject: 'Văn bản thử tải',
    otherInfo: { priority: 0 },
    attachments: [{ contentId: 'a1', attachmentName: 'vb.pdf', contentType: 'application/pdf', data: randomBytes(6 * 1024) }],
  }).toString('utf8');
}

/**
 * The hub's real accept path in-process (parse, checks, the one transaction
 * with message, bytes, deliveries — and, unless `deps` leaves them out, the
 * log entries), CLIENTS concurrent submitters, for `seconds`.
 */
async function acceptRate(deps: ExchangeDeps, template: string, tag: string, seconds: number): Promise<number> {
  let done = 0;
  const stopAt = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      for (let i = 0; Date.now() < stopAt; i++) {
        const r = await acceptMessage(deps, G22, Buffer.from(template.replace('DOCID', `${tag}-${c}-${i}`)));
        if (r.duplicate) throw new Error('benchmark submissions must be new');
        done += 1;
      }
    }),
  );
  return done / seconds;
}

async function main(): Promise<void> {
  const name = `edoc_bench_${randomBytes(5).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const db = await openDb({ databaseUrl: url.toString(), dataDir: os.tmpdir(), poolSize: CLIENTS + 2 });
  const out: Record<string, unknown> = { events: EVENTS, agencies: AGENCIES, days: DAYS };
  try {
    const { signer, caCertPem } = makePki();
    const t0Ms = Date.UTC(2026, 0, 1);

    let t = performance.now();
    await seed(db, t0Ms);
    out.seed = { method: 'one INSERT … SELECT generate_series, then the sealer-queue and agency-index rows by INSERT … SELECT; secondary indexes rebuilt after', seconds: +((performance.now() - t) / 1000).toFixed(1) };

    const sealer = createAuditSealer({ db, signer, checkpointIntervalMs: 60_000, checkpointEveryEntries: 10_000, batchSize: 5000 });
    t = performance.now();
    const sealed = await sealer.sealOnce();
    const sealSec = (performance.now() - t) / 1000;
    await db.query('ANALYZE audit_chain');
    out.seal = {
      method: 'the production sealer (createAuditSealer.sealOnce), batches of 5000, checkpoint every 10000',
      entries: Number(sealed.head.seq),
      seconds: +sealSec.toFixed(1),
      entriesPerSecond: Math.round(Number(sealed.head.seq) / sealSec),
    };

    const day = 86_400_000;
    const rnd = (n: number) => Math.floor(Math.random() * n);
    const agencyTime = await latency(QUERIES, () => {
      const from = new Date(t0Ms + rnd(DAYS - 1) * day);
      return queryAuditEvents(db, { kind: 'agency', organId: organ(rnd(AGENCIES)) }, { from, to: new Date(from.getTime() + day) }, { limit: 100 });
    });
    const agencyTimePage2 = await latency(QUERIES, async () => {
      const from = new Date(t0Ms + rnd(DAYS - 1) * day);
      const v = { kind: 'agency' as const, organId: organ(rnd(AGENCIES)) };
      const f = { from, to: new Date(from.getTime() + 7 * day) };
      const p1 = await queryAuditEvents(db, v, f, { limit: 100 });
      return p1.next ? queryAuditEvents(db, v, f, { limit: 100, after: p1.next }) : null;
    });
    const byDocument = await latency(QUERIES, () =>
      queryAuditEvents(db, { kind: 'auditor', name: 'bench' }, { documentId: `000.00.00.G22,2026/01/01,${rnd(EVENTS / 3)}/VPCP` }, { limit: 100 }),
    );
    const byTypeTime = await latency(QUERIES, () => {
      const from = new Date(t0Ms + rnd(DAYS - 1) * day);
      return queryAuditEvents(db, { kind: 'auditor', name: 'bench' }, { type: ['message.rejected'], from, to: new Date(from.getTime() + day) }, { limit: 100 });
    });
    out.queryMs = {
      note: 'page of 100; auditor queries include appending their audit.queried event',
      agencyAndDay: agencyTime,
      agencyAndWeekSecondPage: { ...agencyTimePage2, note: 'both pages timed together' },
      byDocumentId: byDocument,
      byTypeAndDay: byTypeTime,
    };

    await sealer.sealOnce();
    t = performance.now();
    let bytes = 0;
    let lines = 0;
    for await (const chunk of exportAuditEvents(db, { kind: 'auditor', name: 'bench' }, {}, { format: 'ndjson' })) {
      bytes += Buffer.byteLength(chunk);
      lines += chunk.split('\n').length - 1;
    }
    const exportSec = (performance.now() - t) / 1000;
    out.exportNdjson = { lines, megabytes: +(bytes / 1e6).toFixed(1), seconds: +exportSec.toFixed(1), mbPerSecond: +(bytes / 1e6 / exportSec).toFixed(1) };

    t = performance.now();
    const report = await verifyAuditDatabase(db, { caCertPem, databaseUrl: url.toString() });
    const verifySec = (performance.now() - t) / 1000;
    out.verify = { ok: report.ok, ...(report.ok ? {} : { firstFailure: report.firstFailure }), entries: report.entries, checkpoints: report.checkpoints, seconds: +verifySec.toFixed(1), entriesPerSecond: Math.round(report.entries / verifySec) };

    // The accept path with and without its log entries; "with" also runs the sealer, as the hub does.
    await ensureTestCerts();
    const certsDir = testLayout().dir;
    await db.tx(async (q) => importDirectory(q, await loadDirectoryFile()));
    const g22 = (await getAgencies(db, [G22])).get(G22)!;
    await upsertAgency(db, { ...g22, signaturePolicy: 'lenient' });
    const config = loadConfig({ ...process.env, DATABASE_URL: url.toString(), EDOC_CERTS_DIR: certsDir });
    const withLog = createExchangeDeps(config, {
      db,
      log: pino({ level: 'silent' }),
      trust: createTrustStore({ trustDir: config.trustDir, crlDir: config.crlDir }),
      scheduler: { schedulePush() {} },
      metrics: noMetrics,
    });
    const withoutLog: ExchangeDeps = { ...withLog, logAccepts: false };
    const hubSealer = createAuditSealer({ db, signer: withLog.hubSigner, checkpointIntervalMs: 60_000, checkpointEveryEntries: 10_000 });
    const template = documentTemplate();
    const avg = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    const runs = { without: [] as number[], with: [] as number[] };
    // Warm-up to the steady state: on a fresh database throughput falls during the first ~30 s as
    // the tables grow (cause not pinned down; 2 GB of shared_buffers changed nothing), and both
    // sides must be measured past it.
    await acceptRate(withoutLog, template, 'warm', ACCEPT_WARMUP_SECONDS);
    // Alternating order (without, with, with, without, …): throughput drifts as the tables grow, and must not favour one side.
    for (let r = 0; r < 4; r++) {
      for (const logged of r % 2 === 0 ? [false, true] : [true, false]) {
        if (!logged) {
          runs.without.push(await acceptRate(withoutLog, template, `n${r}`, ACCEPT_SECONDS));
          continue;
        }
        hubSealer.start();
        runs.with.push(await acceptRate(withLog, template, `w${r}`, ACCEPT_SECONDS));
        await hubSealer.stop();
      }
    }
    const without = avg(runs.without);
    const withLogging = avg(runs.with);
    out.acceptPath = {
      note: `the hub's acceptMessage in-process (10 KB document, 3 pull recipients, unsigned under "lenient"), ${CLIENTS} concurrent submitters; with its log entries (message.accepted listing its 3 deliveries, sealer running) vs without; runs interleaved`,
      acceptedPerSecondWithout: Math.round(without),
      acceptedPerSecondWith: Math.round(withLogging),
      costPercent: +((1 - withLogging / without) * 100).toFixed(1),
      runs: Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, v.map(Math.round)])),
    };
    const cps = await db.query<{ n: string }>('SELECT count(*) AS n FROM audit_checkpoints');
    out.checkpoints = Number(cps.rows[0]!.n);
  } finally {
    await db.close();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

await main();
