/** What an agency sent, with each recipient's state at a glance. */
import type { Queryable } from '../store/db.js';
import { listDeliveriesOfMessages } from '../store/delivery-repo.js';
import { listSent as listSentRows } from '../store/message-repo.js';
import { messageHeaderView, type MessageHeaderView } from './message-view.js';

export interface SentEntry {
  cursor: string;
  message: MessageHeaderView;
  recipients: { recipient: string; deliveryId: string; state: string; attempts: number }[];
}

export async function listSent(q: Queryable, organId: string, after: string | null, limit: number): Promise<{ entries: SentEntry[]; next: string | null }> {
  const rows = await listSentRows(q, organId, after, limit);
  const deliveries = await listDeliveriesOfMessages(q, rows.map((m) => m.id));
  const entries = rows.map((m) => ({
    cursor: m.seq,
    message: messageHeaderView(m),
    recipients: deliveries
      .filter((d) => d.message_id === m.id)
      .map((d) => ({ recipient: d.recipient, deliveryId: d.id, state: d.state, attempts: d.attempts })),
  }));
  return { entries, next: rows.length === limit ? (rows.at(-1)?.seq ?? null) : null };
}
