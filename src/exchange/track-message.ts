/**
 * Tracking of one message: per recipient, the delivery state and its times,
 * the business statuses reported (01–16), Decision 28 deadlines, and the
 * recall/update/replacement links. The sender sees every recipient; a
 * recipient sees only its own copy.
 */
import type { Queryable } from '../store/db.js';
import type { HubConfig } from '../config/config.js';
import { listDeliveriesOfMessage } from '../store/delivery-repo.js';
import { getMessage, listLinkedTo } from '../store/message-repo.js';
import { listBusinessStatuses } from '../store/status-repo.js';
import { deadlineView, type DeadlineView } from './deadlines.js';
import { deliveryView, messageHeaderView, type DeliveryView, type MessageHeaderView } from './message-view.js';
import { messageVisibleTo } from './read-access.js';

export interface StatusEntry {
  code: string;
  description: string | null;
  reportedBy: string;
  reportedAt: string | null;
  recordedAt: string;
  staff: Record<string, unknown> | null;
  statusMessageId: string;
}

export interface RecipientTracking {
  recipient: string;
  delivery: DeliveryView;
  statuses: StatusEntry[];
  /** Latest business status code reported by this recipient, if any. */
  businessStatus: string | null;
  /** Set when the sender asked to take the document back (13) and how the recipient answered (15/16). */
  takeBack: { requestedAt: string; answer: '15' | '16' | null } | null;
  deadlines: DeadlineView | null;
}

export interface Tracking {
  message: MessageHeaderView;
  /** The document this one recalls, updates or replaces. */
  original: MessageHeaderView | null;
  /** Later messages that recall, update or replace this one. */
  linked: MessageHeaderView[];
  recipients: RecipientTracking[];
}

export async function trackMessage(q: Queryable, config: HubConfig, organId: string, id: string, now: Date = new Date()): Promise<Tracking> {
  const m = await messageVisibleTo(q, id, organId);
  const isSender = m.from_organ === organId;
  const deliveries = (await listDeliveriesOfMessage(q, m.id)).filter((d) => isSender || d.recipient === organId);
  const statuses = await listBusinessStatuses(q, [m.id]);
  const original = m.related_message_id ? await getMessage(q, m.related_message_id) : null;
  const linked = await listLinkedTo(q, m.id);
  const dueDate = typeof m.summary.dueDate === 'string' ? m.summary.dueDate : null;

  const recipients = deliveries.map((d): RecipientTracking => {
    const mine = statuses.filter((s) => s.reporter === d.recipient || (s.status_code === '13' && s.reporter === m.from_organ));
    const entries: StatusEntry[] = mine.map((s) => ({
      code: s.status_code,
      description: s.description,
      reportedBy: s.reporter,
      reportedAt: s.reported_at_iso ? s.reported_at_iso.toISOString() : s.reported_at,
      recordedAt: s.recorded_at.toISOString(),
      staff: s.staff,
      statusMessageId: s.status_message_id,
    }));
    const fromRecipient = mine.filter((s) => s.reporter === d.recipient);
    const request = mine.find((s) => s.status_code === '13');
    const answer = fromRecipient.filter((s) => s.status_code === '15' || s.status_code === '16').pop();
    const arrival = d.delivered_at ?? d.fetched_at ?? d.created_at;
    const deadlines =
      m.kind === 'edoc' && d.state !== 'undeliverable' && d.state !== 'failed'
        ? deadlineView(arrival, m.priority, dueDate, fromRecipient.map((s) => ({ code: s.status_code, at: s.recorded_at })), now, config.deadlines)
        : null;
    return {
      recipient: d.recipient,
      delivery: deliveryView(d),
      statuses: entries,
      businessStatus: fromRecipient.at(-1)?.status_code ?? null,
      takeBack: request ? { requestedAt: request.recorded_at.toISOString(), answer: (answer?.status_code as '15' | '16' | undefined) ?? null } : null,
      deadlines,
    };
  });
  return {
    message: messageHeaderView(m),
    original: original ? messageHeaderView(original) : null,
    linked: linked.map(messageHeaderView),
    recipients,
  };
}
