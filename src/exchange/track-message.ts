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
import { isVisibleTo, messageVisibleTo } from './read-access.js';

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
  /**
   * Set when the sender asked to take the document back — a take-back request
   * (13) or a recall/update/replacement message — and how the recipient answered (15 agrees, 16 refuses).
   */
  takeBack: { requestedAt: string; kind: 'request' | 'recall' | 'update' | 'replacement'; answer: '15' | '16' | null } | null;
  /** The recipient agreed to a recall of this document (15 after a recall message or a 13 request for it). */
  recalled: boolean;
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
  // The original and the later messages as far as the caller may see them: a recipient of one
  // version only is not shown another's subject, recipients or digest (as GET would answer 404).
  const related = m.related_message_id ? await getMessage(q, m.related_message_id) : null;
  const original = related && isVisibleTo(related, organId) ? related : null;
  const linked = (await listLinkedTo(q, m.id)).filter((l) => isVisibleTo(l, organId));
  // Answers to a recall/update/replacement arrive on the later message (same DocumentId): read them too.
  const statuses = await listBusinessStatuses(q, [m.id, ...linked.map((l) => l.id)]);
  const KINDS = { 1: 'recall', 2: 'update', 3: 'replacement' } as const;
  const dueDate = typeof m.summary.dueDate === 'string' ? m.summary.dueDate : null;

  const recipients = deliveries.map((d): RecipientTracking => {
    // A take-back request (13) is the sender's, about the recipients it was sent to.
    const mine = statuses.filter((s) => s.reporter === d.recipient || (s.status_code === '13' && s.reporter === m.from_organ && s.sent_to.includes(d.recipient)));
    const takeBackMessage = linked.find((l) => l.recipients.includes(d.recipient));
    const entries: StatusEntry[] = mine.map((s) => ({
      code: s.status_code,
      description: s.description,
      reportedBy: s.reporter,
      reportedAt: s.reported_at_iso ? s.reported_at_iso.toISOString() : s.reported_at,
      recordedAt: s.recorded_at.toISOString(),
      staff: s.staff,
      statusMessageId: s.status_message_id,
    }));
    const fromRecipient = mine.filter((s) => s.reporter === d.recipient && s.document_message_id === m.id);
    const request = mine.find((s) => s.status_code === '13');
    const answer = mine.filter((s) => s.reporter === d.recipient && (s.status_code === '15' || s.status_code === '16')).pop();
    const linkedKind = takeBackMessage?.business_doc_type ? KINDS[takeBackMessage.business_doc_type as 1 | 2 | 3] : undefined;
    const takeBack: RecipientTracking['takeBack'] = request
      ? { requestedAt: request.recorded_at.toISOString(), kind: 'request', answer: (answer?.status_code as '15' | '16' | undefined) ?? null }
      : takeBackMessage && linkedKind
        ? { requestedAt: takeBackMessage.accepted_at.toISOString(), kind: linkedKind, answer: (answer?.status_code as '15' | '16' | undefined) ?? null }
        : null;
    // Received: a pull recipient when the document is in its inbox (from its creation, however late it
    // fetches), a push recipient when its endpoint took it (until then, from its creation).
    const arrival = d.mode === 'pull' ? d.created_at : (d.delivered_at ?? d.created_at);
    const recalled = takeBack?.answer === '15' && (takeBack.kind === 'recall' || takeBack.kind === 'request');
    // No deadlines for a copy that never arrived, one taken back, or a recall itself (nothing to register or handle).
    const deadlines =
      m.kind === 'edoc' && m.business_doc_type !== 1 && !recalled && d.state !== 'undeliverable' && d.state !== 'failed'
        ? deadlineView(arrival, m.priority, dueDate, fromRecipient.map((s) => ({ code: s.status_code, at: s.recorded_at })), now, config.deadlines)
        : null;
    return {
      recipient: d.recipient,
      delivery: deliveryView(d),
      statuses: entries,
      businessStatus: fromRecipient.at(-1)?.status_code ?? null,
      takeBack,
      recalled,
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
