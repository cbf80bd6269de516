/** The JSON views of messages and deliveries that the API and CLI show. */
import type { EdxmlMessage } from '../edxml/types.js';
import type { MessageHeaderRow } from '../store/message-repo.js';
import type { DeliveryRow } from '../store/delivery-repo.js';
import type { SignatureVerdict } from '../pki/xmldsig/signature-verdict.js';

export interface MessageHeaderView {
  id: string;
  kind: 'edoc' | 'status';
  from: string;
  to: string[];
  documentId: string;
  subject: string | null;
  code: string | null;
  statusCode: string | null;
  businessDocType: number | null;
  priority: number | null;
  sha256: string;
  size: number;
  signature: SignatureVerdict;
  relatedMessageId: string | null;
  acceptedAt: string;
}

export function messageHeaderView(m: MessageHeaderRow): MessageHeaderView {
  const code = [m.code_number, m.code_notation].filter(Boolean).join('/');
  return {
    id: m.id,
    kind: m.kind,
    from: m.from_organ,
    to: m.recipients,
    documentId: m.document_id,
    subject: m.subject,
    code: code || null,
    statusCode: m.status_code,
    businessDocType: m.business_doc_type,
    priority: m.priority,
    sha256: m.sha256,
    size: m.size,
    signature: m.signature as unknown as SignatureVerdict,
    relatedMessageId: m.related_message_id,
    acceptedAt: m.accepted_at.toISOString(),
  };
}

export interface DeliveryView {
  id: string;
  recipient: string;
  mode: 'pull' | 'push';
  state: DeliveryRow['state'];
  attempts: number;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  deliveredAt: string | null;
  fetchedAt: string | null;
  acknowledgedAt: string | null;
  ackResult: 'done' | 'fail' | null;
  ackReason: string | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function deliveryView(d: DeliveryRow): DeliveryView {
  return {
    id: d.id,
    recipient: d.recipient,
    mode: d.mode,
    state: d.state,
    attempts: d.attempts,
    lastError: d.last_error,
    createdAt: d.created_at.toISOString(),
    // A fetch stamps only fetched_at (it leaves updated_at so that it can be a HOT update).
    updatedAt: (d.fetched_at && d.fetched_at > d.updated_at ? d.fetched_at : d.updated_at).toISOString(),
    deliveredAt: iso(d.delivered_at),
    fetchedAt: iso(d.fetched_at),
    acknowledgedAt: iso(d.acked_at),
    ackResult: d.ack_result,
    ackReason: d.ack_reason,
  };
}

/**
 * The parsed message as stored with the row (metadata only: the attachments'
 * bytes stay in the stored message). The reader's output is plain data —
 * strings, numbers, booleans, arrays, objects — and is serialized when the row
 * is written, so a shallow copy serves: a JSON round trip here cost ~25 µs per
 * accepted document, only to be serialized again.
 */
export function messageSummary(message: EdxmlMessage): Record<string, unknown> {
  return { ...message };
}
