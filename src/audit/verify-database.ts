/**
 * Verifies the whole log in the database: the chain from seq 1 and every
 * checkpoint, plus events that are neither chained nor waiting to be (a chain
 * row removed while its event stayed).
 */
import type { Queryable } from '../store/db.js';
import { readChain, readCheckpoints } from './read-chain.js';
import { verifyAuditChain, type VerifyReport } from './verify-chain.js';

export async function verifyAuditDatabase(q: Queryable, opts: { caCertPem: string }): Promise<VerifyReport> {
  const checkpoints = await readCheckpoints(q);
  const report = await verifyAuditChain(readChain(q), checkpoints, { caCertPem: opts.caCertPem, fromGenesis: true });
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
