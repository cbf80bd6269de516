/**
 * Retention: deletes the stored bytes of messages older than the configured
 * number of days. Metadata, deliveries, statuses, receipts and the exchange
 * log stay, so the chain and its proofs still verify; each purge is itself a
 * `document.purged` event in the same transaction.
 */
import type { Db } from '../store/db.js';
import { purgeBodies } from '../store/message-repo.js';
import { appendAuditEvents } from '../audit/append-event.js';

export async function purgeExpiredDocuments(db: Db, days: number, now: Date = new Date(), batch = 500): Promise<number> {
  const before = new Date(now.getTime() - days * 86_400_000);
  let total = 0;
  for (;;) {
    const n = await db.tx(async (q) => {
      const purged = await purgeBodies(q, before, batch);
      await appendAuditEvents(
        q,
        purged.map((p) => ({
          type: 'document.purged' as const,
          actor: 'hub',
          organs: [p.from_organ, ...p.recipients],
          messageId: p.id,
          documentId: p.document_id,
          data: { sha256: p.sha256, size: p.size, retentionDays: days },
        })),
      );
      return purged.length;
    });
    total += n;
    if (n < batch) return total;
  }
}
