/**
 * Appends events to the exchange log inside the caller's transaction: an
 * event exists exactly when the state change it records commits. Writers only
 * insert (one statement: the events, their agency index rows and their place in
 * the sealer's queue); the sealer chains committed events afterwards.
 */
import type { GuardStatement, MoreWrites, Queryable } from '../store/db.js';
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
  /**
   * For an entry about several messages (e.g. a page of deliveries fetched):
   * the messages its `data` lists, indexed so that a lookup by message id or
   * DocumentId finds the entry. Not part of the record; `data` must say it.
   */
  listsMessages?: string[];
}

/**
 * The event insert as CTEs: the events from the JSON parameter `$<param>`
 * (only when `condition` holds), all with one `at` (the statement's time: the
 * agency index relies on it), their place in the sealer's queue, one agency
 * index row per agency concerned listing its events, and a message index row
 * per message an entry lists (`AuditEventInput.listsMessages`). Ids are drawn
 * in the events' order before the insert, so the index rows can name them.
 */
function insertCtes(param: number, condition = 'true'): string {
  // The events arrive as jsonb, so each entry's `data` is parsed once (as json, the
  // parameter was parsed, then each `data` again: a page's 33 KB entry 1.2 → 0.95 ms).
  return `stamp AS MATERIALIZED (
  SELECT date_trunc('milliseconds', clock_timestamp()) AS at
), ev AS MATERIALIZED (
  SELECT nextval('audit_events_id_seq'::regclass) AS id, x.*
  FROM (SELECT * FROM jsonb_to_recordset($${param}::jsonb) AS x(ord int, type text, actor text, organs text[],
       message_id text, delivery_id text, document_id text, data jsonb, lists text[]) ORDER BY x.ord) AS x
  WHERE ${condition}
), e AS (
  INSERT INTO audit_events (id, at, type, actor, organs, message_id, delivery_id, document_id, data)
  SELECT ev.id, stamp.at, ev.type, ev.actor, ev.organs, ev.message_id, ev.delivery_id, ev.document_id, ev.data
  FROM stamp, ev ORDER BY ev.id
  RETURNING id, at, organs
), queued AS (
  INSERT INTO audit_pending (event_id) SELECT id FROM e
), indexed AS (
  INSERT INTO audit_event_organs (organ, at, event_id, event_ids)
  SELECT o, min(e.at), min(e.id), array_agg(e.id ORDER BY e.id) FROM e CROSS JOIN LATERAL unnest(e.organs) AS o GROUP BY o
), listed AS (
  INSERT INTO audit_event_messages (message_id, event_id)
  SELECT DISTINCT l.message_id, ev.id FROM ev CROSS JOIN LATERAL unnest(ev.lists) AS l(message_id)
)`;
}

const INSERT = `-- prepared: audit_append_events
WITH ${insertCtes(1)}
SELECT id::text AS id FROM e ORDER BY e.id`;

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

/** The statement's text, marked to be prepared under its name when it has one. */
function guardText(guard: GuardStatement, prefix: string, sql: string): string {
  return guard.name ? `-- prepared: ${prefix}${guard.name}\n${sql}` : sql;
}

/**
 * Runs the state change `guard` and appends `events` only when it changed a
 * row — as ONE statement, so the change and its log entries commit together
 * without a transaction's extra round trips. Resolves to whether it changed one.
 */
export async function changeAndAppendAuditEvents(q: Queryable, guard: GuardStatement, events: readonly AuditEventInput[]): Promise<boolean> {
  const sql = guardText(
    guard,
    'audit_after_',
    `WITH guard AS (${guard.sql}), ${insertCtes(guard.params.length + 1, 'EXISTS (SELECT 1 FROM guard)')}
SELECT id::text AS id FROM guard`,
  );
  const r = await q.query<{ id: string }>(sql, [...guard.params, eventsJson(events)]);
  return r.rows.length > 0;
}

/** Runs a state change on its own (inside the caller's transaction); resolves to the ids it RETURNs. */
export async function runGuard(q: Queryable, guard: GuardStatement): Promise<string[]> {
  const r = await q.query<{ id: string }>(guardText(guard, '', guard.sql), guard.params);
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
      lists: e.listsMessages && e.listsMessages.length > 0 ? e.listsMessages : null,
    };
  });
  return wellFormed(JSON.stringify(rows));
}

/** A `\uD800`–`\uDFFF` or `\u0000` escape not preceded by an escaping backslash. */
const NOT_IN_JSONB = /(?<!\\)((?:\\\\)*)\\u(?:d[89a-f][0-9a-f]{2}|0000)/g;

/**
 * The JSON with every lone UTF-16 surrogate replaced by U+FFFD. JSON.stringify
 * writes a lone surrogate (which a request body can carry, e.g. a reason
 * "\ud800") as an escape that PostgreSQL's jsonb refuses, which would fail the
 * state change the event belongs to; the event is kept, with U+FFFD in its
 * place. Paired surrogates are written as characters, never escaped, so every
 * such escape is a lone one. A NUL (which no PostgreSQL text can hold) is
 * replaced the same way.
 */
function wellFormed(json: string): string {
  return json.includes('\\u') ? json.replace(NOT_IN_JSONB, '$1\\ufffd') : json;
}

/** Appends one event; see {@link appendAuditEvents}. */
export async function appendAuditEvent(q: Queryable, e: AuditEventInput): Promise<{ id: string }> {
  const [row] = await appendAuditEvents(q, [e]);
  return row!;
}
