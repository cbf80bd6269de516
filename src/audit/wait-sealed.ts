/**
 * Waits until an event has its place in the chain (receipts quote it). Polls
 * the database, so it works in any process, whichever one runs the sealer.
 */
import type { Queryable } from '../store/db.js';
import { HubError } from '../shared/hub-error.js';

export type SealedKey = { eventId: string } | { messageId: string; type?: string };

export interface SealedPosition {
  eventId: string;
  seq: string;
  hash: string;
}

/** Resolves with the seq and hash of the event (for a message: its latest event, of `type` if given). */
export async function waitSealed(q: Queryable, key: SealedKey, opts: { timeoutMs?: number } = {}): Promise<SealedPosition> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  let eventId: string | null = 'eventId' in key ? key.eventId : null;
  let delay = 5;
  for (;;) {
    if (eventId === null && 'messageId' in key) {
      const e = await q.query<{ id: string }>(
        `SELECT id FROM audit_events WHERE message_id = $1 AND ($2::text IS NULL OR type = $2) ORDER BY id DESC LIMIT 1`,
        [key.messageId, key.type ?? null],
      );
      eventId = e.rows[0]?.id ?? null;
    }
    if (eventId !== null) {
      const r = await q.query<{ seq: string; hash: string }>('SELECT seq, hash FROM audit_chain WHERE event_id = $1', [eventId]);
      const row = r.rows[0];
      if (row) return { eventId, seq: row.seq, hash: row.hash };
    }
    if (Date.now() >= deadline) {
      throw new HubError('audit.seal_timeout', 'the audit event was not sealed in time (is a sealer running?)', {
        status: 503,
        retryable: true,
      });
    }
    await new Promise((res) => setTimeout(res, delay));
    delay = Math.min(delay * 2, 100);
  }
}
