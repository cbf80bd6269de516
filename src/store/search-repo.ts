/**
 * The console's searches: an agency's sent documents and received deliveries,
 * newest first, filtered, keyset-paginated on `seq` (so page one of 100,000
 * documents is an index range scan on (from_organ, seq) / (recipient, seq)),
 * and the candidates for the overdue view.
 */
import type { Queryable } from './db.js';
import type { MessageRow } from './message-repo.js';
import type { DeliveryState } from './delivery-repo.js';

export interface DocumentSearch {
  /** Exact DocumentId. */
  documentId?: string;
  /** Part of "CodeNumber/CodeNotation", e.g. `7816` or `VPCP-TTĐT`. */
  code?: string;
  /** Part of the subject (case-insensitive). */
  subject?: string;
  /** Sent: a recipient's OrganId. Received: the sender's OrganId. */
  counterpart?: string;
  /** Accepted at or after. */
  from?: Date;
  /** Accepted before. */
  to?: Date;
}

export interface SearchPage<T> {
  rows: T[];
  /** Cursor of the next (older) page; null on the last page. */
  next: string | null;
}

export interface ReceivedRow {
  deliveryId: string;
  deliverySeq: string;
  state: DeliveryState;
  message: MessageRow;
}

const MESSAGE_COLUMNS = `m.id, m.seq::text AS seq, m.kind, m.from_organ, m.recipients, m.document_id, m.business_doc_type, m.status_code,
  m.sha256, m.size, m.subject, m.code_number, m.code_notation, m.priority, m.signature, m.summary, m.related_message_id,
  m.generated_by_hub, m.accepted_at`;

/** `%text%` with LIKE wildcards in the text taken literally. */
function contains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function filters(s: DocumentSearch, counterpartSql: (p: string) => string, params: unknown[]): string[] {
  const p = (v: unknown): string => {
    params.push(v);
    return `$${params.length}`;
  };
  const where: string[] = [];
  if (s.documentId) where.push(`m.document_id = ${p(s.documentId)}`);
  if (s.code) where.push(`concat_ws('/', m.code_number, m.code_notation) ILIKE ${p(contains(s.code))}`);
  if (s.subject) where.push(`m.subject ILIKE ${p(contains(s.subject))}`);
  if (s.counterpart) where.push(counterpartSql(p(s.counterpart)));
  if (s.from) where.push(`m.accepted_at >= ${p(s.from)}`);
  if (s.to) where.push(`m.accepted_at < ${p(s.to)}`);
  return where;
}

/** Documents (kind edoc) an agency sent, newest first; `before` is the previous page's `next`. */
export async function searchSent(q: Queryable, organId: string, s: DocumentSearch, before: string | null, limit: number): Promise<SearchPage<MessageRow>> {
  const params: unknown[] = [organId];
  const where = ['m.from_organ = $1', "m.kind = 'edoc'", ...filters(s, (p) => `${p} = ANY(m.recipients)`, params)];
  if (before) {
    params.push(before);
    where.push(`m.seq < $${params.length}`);
  }
  params.push(limit + 1);
  const r = await q.query<MessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE ${where.join(' AND ')} ORDER BY m.seq DESC LIMIT $${params.length}`,
    params,
  );
  const rows = r.rows.slice(0, limit);
  return { rows, next: r.rows.length > limit ? (rows.at(-1)?.seq ?? null) : null };
}

/** Documents delivered (or being delivered) to an agency, newest first, whatever their delivery state. */
export async function searchReceived(q: Queryable, organId: string, s: DocumentSearch, before: string | null, limit: number): Promise<SearchPage<ReceivedRow>> {
  const params: unknown[] = [organId];
  const where = ['d.recipient = $1', "m.kind = 'edoc'", ...filters(s, (p) => `m.from_organ = ${p}`, params)];
  if (before) {
    params.push(before);
    where.push(`d.seq < $${params.length}`);
  }
  params.push(limit + 1);
  const r = await q.query<MessageRow & { delivery_id: string; delivery_seq: string; delivery_state: DeliveryState }>(
    `SELECT d.id AS delivery_id, d.seq::text AS delivery_seq, d.state AS delivery_state, ${MESSAGE_COLUMNS}
       FROM deliveries d JOIN messages m ON m.id = d.message_id
      WHERE ${where.join(' AND ')} ORDER BY d.seq DESC LIMIT $${params.length}`,
    params,
  );
  const rows = r.rows.slice(0, limit).map(({ delivery_id, delivery_seq, delivery_state, ...message }) => ({
    deliveryId: delivery_id,
    deliverySeq: delivery_seq,
    state: delivery_state,
    message,
  }));
  return { rows, next: r.rows.length > limit ? (rows.at(-1)?.deliverySeq ?? null) : null };
}

/**
 * Documents that may break a Decision 28 deadline, newest first: sent or received
 * by the agency since `since`, with at least one live copy whose recipient has not
 * yet reported completion (06) or refusal (02). The deadlines themselves are
 * computed by the exchange (trackMessage); this only narrows the candidates.
 */
export async function overdueCandidates(q: Queryable, organId: string, direction: 'sent' | 'received', since: Date, limit: number): Promise<string[]> {
  const party = direction === 'sent' ? 'm.from_organ = $1' : 'd.recipient = $1';
  const r = await q.query<{ id: string }>(
    `SELECT m.id FROM messages m
      WHERE m.kind = 'edoc' AND m.accepted_at >= $2 AND EXISTS (
        SELECT 1 FROM deliveries d
         WHERE d.message_id = m.id AND ${party} AND d.state NOT IN ('undeliverable', 'failed')
           AND NOT EXISTS (SELECT 1 FROM business_statuses b
                            WHERE b.document_message_id = m.id AND b.reporter = d.recipient AND b.status_code IN ('02', '06')))
        ${direction === 'sent' ? 'AND m.from_organ = $1' : 'AND $1 = ANY(m.recipients)'}
      ORDER BY m.seq DESC LIMIT $3`,
    [organId, since, limit],
  );
  return r.rows.map((x) => x.id);
}

export interface UndeliverableRow {
  id: string;
  messageId: string;
  from: string;
  recipient: string;
  documentId: string;
  attempts: number;
  lastError: string | null;
  updatedAt: Date;
}

/** Push deliveries that used up their attempts, newest first (the operator's retry list). */
export async function listUndeliverable(q: Queryable, limit: number): Promise<UndeliverableRow[]> {
  const r = await q.query<UndeliverableRow>(
    `SELECT d.id, d.message_id AS "messageId", m.from_organ AS "from", d.recipient, m.document_id AS "documentId",
            d.attempts, d.last_error AS "lastError", d.updated_at AS "updatedAt"
       FROM deliveries d JOIN messages m ON m.id = d.message_id
      WHERE d.state = 'undeliverable' ORDER BY d.updated_at DESC LIMIT $1`,
    [limit],
  );
  return r.rows;
}

/**
 * An operator's retry: an undeliverable delivery goes back to `queued` with a
 * fresh attempt count (the last error stays for the record). Null when it was
 * not undeliverable (already retried, or never failed).
 */
export async function requeueUndeliverable(q: Queryable, deliveryId: string): Promise<{ id: string; messageId: string; recipient: string; attempts: number } | null> {
  const r = await q.query<{ id: string; messageId: string; recipient: string; attempts: number }>(
    `UPDATE deliveries d SET state = 'queued', attempts = 0, next_attempt_at = NULL, updated_at = now()
      WHERE d.id = $1 AND d.state = 'undeliverable'
      RETURNING d.id, d.message_id AS "messageId", d.recipient, d.attempts`,
    [deliveryId],
  );
  return r.rows[0] ?? null;
}
