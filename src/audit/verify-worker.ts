/**
 * A worker thread of the parallel `audit verify`: with its own PostgreSQL
 * connection, it verifies the windows of the chain it is handed (records
 * hashed, links and checkpoints inside the window) and reports each back;
 * the main thread joins the windows (see verify-database.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import type { Queryable } from '../store/db.js';
import type { AuditCheckpoint } from './audit-record.js';
import { readChain } from './read-chain.js';
import { verifyAuditChain, type VerifyReport } from './verify-chain.js';

export interface VerifyWorkerData {
  databaseUrl: string;
  caCertPem: string;
  checkpoints: AuditCheckpoint[];
}

export type VerifyWorkerRequest = { kind: 'window'; index: number; firstSeq: string; lastSeq: string } | { kind: 'end' };
export type VerifyWorkerReply = { index: number; report: VerifyReport } | { index: number; error: string };

async function serve(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('verify-worker runs only as a worker thread');
  const data = workerData as VerifyWorkerData;
  const client = new pg.Client({ connectionString: data.databaseUrl });
  await client.connect();
  const q: Queryable = {
    async query<R>(sql: string, params?: unknown[]) {
      const r = await client.query(sql, params);
      return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
    },
  };
  const references = new Map(data.checkpoints.map((c) => [c.seq, c.hash]));
  port.on('message', (req: VerifyWorkerRequest) => {
    if (req.kind === 'end') {
      void client.end().finally(() => port.close());
      return;
    }
    const first = BigInt(req.firstSeq);
    const last = BigInt(req.lastSeq);
    const inWindow = data.checkpoints.filter((c) => BigInt(c.seq) >= first && BigInt(c.seq) <= last);
    verifyAuditChain(readChain(q, { fromSeq: req.firstSeq, toSeq: req.lastSeq }), inWindow, {
      caCertPem: data.caCertPem,
      fromGenesis: first === 1n,
      range: { firstSeq: req.firstSeq, lastSeq: req.lastSeq },
      referenceCheckpoints: references,
    }).then(
      (report) => port.postMessage({ index: req.index, report } satisfies VerifyWorkerReply),
      (e: unknown) => port.postMessage({ index: req.index, error: e instanceof Error ? e.message : String(e) } satisfies VerifyWorkerReply),
    );
  });
}

await serve();
