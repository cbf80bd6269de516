/**
 * Pull delivery: the recipient lists what waits for it, fetches the exact bytes
 * (which marks the delivery fetched) and acknowledges.
 */
import { changeAndAppendAuditEvents } from '../audit/append-event.js';
import { markFetched } from '../store/delivery-repo.js';
import { getMessageWithBytes, getMessages } from '../store/message-repo.js';
import { HubError } from '../shared/hub-error.js';
import type { Queryable } from '../store/db.js';
import type { ExchangeDeps } from './exchange-deps.js';
import { messageHeaderView, type MessageHeaderView } from './message-view.js';
import { isUuid, isVisibleTo, notFound } from './read-access.js';
import { listInbox as listInboxRows } from '../store/delivery-repo.js';

export interface InboxEntry {
  deliveryId: string;
  state: 'available' | 'fetched';
  cursor: string;
  message: MessageHeaderView;
}

export interface InboxPage {
  entries: InboxEntry[];
  /** Pass as `after` for the next page; null when this page is the last one so far. */
  next: string | null;
}

export async function listInbox(q: Queryable, organId: string, after: string | null, limit: number): Promise<InboxPage> {
  const rows = await listInboxRows(q, organId, after, limit);
  const messages = await getMessages(q, [...new Set(rows.map((d) => d.message_id))]);
  const entries: InboxEntry[] = [];
  for (const d of rows) {
    const m = messages.get(d.message_id);
    if (!m) continue;
    entries.push({ deliveryId: d.id, state: d.state as 'available' | 'fetched', cursor: d.seq, message: messageHeaderView(m) });
  }
  return { entries, next: rows.length === limit ? (rows[rows.length - 1]?.seq ?? null) : null };
}

/** The exact bytes of a message for its sender or a recipient; a recipient's first fetch is recorded. */
export async function fetchMessage(deps: ExchangeDeps, organId: string, id: string): Promise<{ bytes: Buffer; sha256: string; deliveryId: string | null }> {
  const found = isUuid(id) ? await getMessageWithBytes(deps.db, id, organId) : null;
  const m = found?.message;
  if (!found || !m || !isVisibleTo(m, organId)) throw notFound('message', id);
  if (!found.bytes) {
    throw new HubError('exchange.purged', `the bytes of message ${id} were purged by the retention policy; its log entries remain`, { status: 410 });
  }
  const d = found.delivery;
  if (d && d.state === 'available') {
    // The state change and its log entry in one statement: atomic without a transaction's round trips.
    await changeAndAppendAuditEvents(deps.db, markFetched(d.id), [
      {
        type: 'delivery.fetched',
        actor: organId,
        organs: [m.from_organ, organId],
        messageId: m.id,
        deliveryId: d.id,
        documentId: m.document_id,
        data: { recipient: organId },
      },
    ]);
  }
  return { bytes: found.bytes, sha256: m.sha256, deliveryId: d?.id ?? null };
}
