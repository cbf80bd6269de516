/**
 * Appends events to the exchange log inside the caller's transaction: an
 * event exists exactly when the state change it records commits. Writers only
 * insert (one statement: the events, their agency index rows and their place in
 * the sealer's queue); the sealer chains committed events afterwards.
 */
import type { MoreWrites, Queryable } from '../store/db.js';
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
 * The event insert as CTEs: the events from the JSON parameter `$<param>`
 * (only when `condition` holds), all with one `at` (the statement's time: the
 * agency index relies on it), their place in the sealer's queue, and one
 * agency index row per agency concerned listing its events.
 */
function insertCtes(param: number, condition = 'true'): string {
  return `stamp AS MATERIALIZED (
  SELECT date_trunc('milliseconds', clock_timestamp()) AS at
), e AS (
  INSERT INTO audit_events (at, type, actor, organs, message_id, delivery_id, document_id, data)
  SELECT stamp.at, x.type, x.actor, x.organs, x.message_id, x.delivery_id, x.document_id, x.data
  FROM stamp, json_to_recordset($${param}::json) AS x(ord int, type text, actor text, organs text[],
       message_id text, delivery_id text, document_id text, data jsonb)
  WHERE ${condition}
  ORDER BY x.ord
  RETURNING id, at, organs
), queued AS (
  INSERT INTO audit_pending (event_id) SELECT id FROM e
), indexed AS (
  INSERT INTO audit_event_organs (organ, at, event_id, event_ids)
  SELECT o, min(e.at), min(e.id), array_agg(e.id ORDER BY e.id) FROM e CROSS JOIN LATERAL unnest(e.organs) AS o GROUP BY o
)`;
}

const INSERT = `-- prepared: audit_append_events
WITH ${insertCtes(1)}
SELECT id::text AS id FROM e ORDER BY id`;

/**
 * Inserts the events, in order, with `q` (pass the transaction's `Queryable`):
 * one round trip whatever their number. Resolves to their ids, usable with
 * `waitSealed` to learn their position in the chain.
 */
export async function appendAuditEvents(q: Queryable, events: readonly AuditEventInput[]): Promise<{ id: string }[]> {
  if (events.length === 0) return [];
  const r = await q.query<{ id: string }>(INSERT, [eventsJson(events)]);
  return r.rows;
}

/**
 * The events as writes for a repository's insert statement (see MoreWrites):
 * the change and its log entries in one statement and one round trip.
 */
export function auditEventWrites(events: readonly AuditEventInput[]): MoreWrites {
  return { name: 'audit', sql: (n) => insertCtes(n), params: [eventsJson(events)] };
}

/** A state change with RETURNING, named (it becomes a prepared statement) and with fixed text. */
export interface GuardStatement {
  name: string;
  sql: string;
  params: unknown[];
}

/**
 * Runs the state change `guard` and appends `events` only when it changed a
 * row — as ONE statement, so the change and its log entries commit together
 * without a transaction's extra round trips. Resolves to whether it changed one.
 */
export async function changeAndAppendAuditEvents(q: Queryable, guard: GuardStatement, events: readonly AuditEventInput[]): Promise<boolean> {
  return (await changeManyAndAppendAuditEvents(q, guard, events, 'any')).length > 0;
}

/**
 * Like {@link changeAndAppendAuditEvents} for a guard that changes many rows
 * and RETURNs their `id`: with `per: 'delivery'`, an event is appended only
 * when the guard changed the delivery it names. Resolves to the changed ids.
 */
export async function changeManyAndAppendAuditEvents(
  q: Queryable,
  guard: GuardStatement,
  events: readonly AuditEventInput[],
  per: 'any' | 'delivery',
): Promise<string[]> {
  const condition = per === 'any' ? 'EXISTS (SELECT 1 FROM guard)' : 'x.delivery_id IN (SELECT id::text FROM guard)';
  const sql = `-- prepared: audit_after_${guard.name}_${per}
WITH guard AS (${guard.sql}), ${insertCtes(guard.params.length + 1, condition)}
SELECT id::text AS id FROM guard`;
  const r = await q.query<{ id: string }>(sql, [...guard.params, eventsJson(events)]);
  return r.rows.map((row) => row.id);
}

function eventsJson(events: readonly AuditEventInput[]): string {
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
  return JSON.stringify(rows);
}

/** Appends one event; see {@link appendAuditEvents}. */
export async function appendAuditEvent(q: Queryable, e: AuditEventInput): Promise<{ id: string }> {
  const [row] = await appendAuditEvents(q, [e]);
  return row!;
}
