/**
 * Appends one event to the exchange log inside the caller's transaction: the
 * event exists exactly when the state change it records commits. Writers only
 * insert; the sealer chains committed events afterwards (see sealer.ts).
 */
import type { Queryable } from '../store/db.js';
import type { AuditEventType } from './event-types.js';
import { isAuditEventType } from './event-types.js';
import { HubError } from '../shared/hub-error.js';

export interface AuditEventInput {
  type: AuditEventType;
  /** An OrganId, `hub`, `operator:<name>` or `auditor:<name>`. */
  actor: string;
  /** Agencies concerned (sender and recipients): drives filtering and who may see the event. */
  organs: string[];
  messageId?: string;
  deliveryId?: string;
  documentId?: string;
  /** Metadata only (hashes, sizes, codes, verdicts) — never document contents. */
  data?: Record<string, unknown>;
}

/**
 * Inserts the event with `q` (pass the transaction's `Queryable`). Resolves to
 * the event id, usable with `waitSealed` to learn its position in the chain.
 */
export async function appendAuditEvent(q: Queryable, e: AuditEventInput): Promise<{ id: string }> {
  if (!isAuditEventType(e.type)) {
    throw new HubError('audit.unknown_event_type', `unknown audit event type "${String(e.type)}"`, { status: 500 });
  }
  const r = await q.query<{ id: string }>(
    `INSERT INTO audit_events (type, actor, organs, message_id, delivery_id, document_id, data)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [
      e.type,
      e.actor,
      [...new Set(e.organs)],
      // An empty id means "none": one spelling of absence keeps exports unambiguous.
      e.messageId || null,
      e.deliveryId || null,
      e.documentId || null,
      JSON.stringify(e.data ?? {}),
    ],
  );
  return { id: r.rows[0]!.id };
}
