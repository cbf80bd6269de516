/**
 * Appends events to the exchange log inside the caller's transaction: an
 * event exists exactly when the state change it records commits. Writers only
 * insert (one statement: the event, its agency index rows and its place in
 * the sealer's queue); the sealer chains committed events afterwards.
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

const INSERT = `-- prepared: audit_append_events
WITH e AS (
  INSERT INTO audit_events (type, actor, organs, message_id, delivery_id, document_id, data)
  SELECT x.type, x.actor, x.organs, x.message_id, x.delivery_id, x.document_id, x.data
  FROM json_to_recordset($1::json) AS x(ord int, type text, actor text, organs text[],
       message_id text, delivery_id text, document_id text, data jsonb)
  ORDER BY x.ord
  RETURNING id, at, organs
), queued AS (
  INSERT INTO audit_pending (event_id) SELECT id FROM e
), indexed AS (
  INSERT INTO audit_event_organs (organ, at, event_id) SELECT DISTINCT o, e.at, e.id FROM e CROSS JOIN LATERAL unnest(e.organs) AS o
)
SELECT id::text AS id FROM e ORDER BY id`;

/**
 * Inserts the events, in order, with `q` (pass the transaction's `Queryable`):
 * one round trip whatever their number. Resolves to their ids, usable with
 * `waitSealed` to learn their position in the chain.
 */
export async function appendAuditEvents(q: Queryable, events: readonly AuditEventInput[]): Promise<{ id: string }[]> {
  if (events.length === 0) return [];
  const rows = events.map((e, ord) => {
    if (!isAuditEventType(e.type)) {
      throw new HubError('audit.unknown_event_type', `unknown audit event type "${String(e.type)}"`, { status: 500 });
    }
    return {
      ord,
      type: e.type,
      actor: e.actor,
      organs: [...new Set(e.organs)],
      // An empty id means "none": one spelling of absence keeps exports unambiguous.
      message_id: e.messageId || null,
      delivery_id: e.deliveryId || null,
      document_id: e.documentId || null,
      data: e.data ?? {},
    };
  });
  const r = await q.query<{ id: string }>(INSERT, [JSON.stringify(rows)]);
  return r.rows;
}

/** Appends one event; see {@link appendAuditEvents}. */
export async function appendAuditEvent(q: Queryable, e: AuditEventInput): Promise<{ id: string }> {
  const [row] = await appendAuditEvents(q, [e]);
  return row!;
}
