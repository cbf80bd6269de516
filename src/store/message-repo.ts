/** Accepted messages: metadata rows and the exact submitted bytes. */
import type { MoreWrites, Queryable } from './db.js';
import type { DeliveryState } from './delivery-repo.js';

export interface MessageRow {
  id: string;
  seq: string;
  kind: 'edoc' | 'status';
  from_organ: string;
  recipients: string[];
  document_id: string;
  business_doc_type: number | null;
  status_code: string | null;
  sha256: string;
  size: number;
  subject: string | null;
  code_number: string | null;
  code_notation: string | null;
  priority: number | null;
  signature: Record<string, unknown>;
  summary: Record<string, unknown>;
  related_message_id: string | null;
  generated_by_hub: boolean;
  accepted_at: Date;
}

export type NewMessage = Omit<MessageRow, 'seq' | 'accepted_at'>;

const COLUMNS = `id, seq::text AS seq, kind, from_organ, recipients, document_id, business_doc_type, status_code, sha256, size,
  subject, code_number, code_notation, priority, signature, summary, related_message_id, generated_by_hub, accepted_at`;

/** The same columns qualified with the alias `m`, for joins. */
const COLUMNS_OF_M = COLUMNS.split(',')
  .map((c) => `m.${c.trim()}`)
  .join(', ');

/** A delivery planned with its message: ids are made by the caller so log entries can name them. */
export interface PlannedDelivery {
  id: string;
  recipient: string;
  mode: 'pull' | 'push';
  state: DeliveryState;
}

/**
 * Inserts the message row, its exact bytes, its deliveries and `more` (e.g.
 * its log entries) in ONE statement: one round trip, all or nothing.
 */
export async function insertMessage(q: Queryable, m: NewMessage, bytes: Buffer, deliveries: readonly PlannedDelivery[], more?: MoreWrites): Promise<MessageRow> {
  const r = await q.query<MessageRow>(
    `-- prepared: message_insert${more ? `_${more.name}` : ''}
     WITH inserted AS (
       INSERT INTO messages (id, kind, from_organ, recipients, document_id, business_doc_type, status_code, sha256, size,
         subject, code_number, code_notation, priority, signature, summary, related_message_id, generated_by_hub)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)
       RETURNING ${COLUMNS}
     ), body AS (
       INSERT INTO message_bodies (message_id, bytes) SELECT id, $18 FROM inserted
     ), planned AS (
       INSERT INTO deliveries (id, message_id, recipient, mode, state)
       SELECT d.id, inserted.id, d.recipient, d.mode, d.state
         FROM inserted, unnest($19::uuid[], $20::text[], $21::text[], $22::text[]) AS d(id, recipient, mode, state)
     )${more ? `, ${more.sql(23)}` : ''}
     SELECT * FROM inserted`,
    [
      m.id, m.kind, m.from_organ, m.recipients, m.document_id, m.business_doc_type, m.status_code, m.sha256, m.size,
      m.subject, m.code_number, m.code_notation, m.priority, JSON.stringify(m.signature), JSON.stringify(m.summary),
      m.related_message_id, m.generated_by_hub, bytes,
      deliveries.map((d) => d.id), deliveries.map((d) => d.recipient), deliveries.map((d) => d.mode), deliveries.map((d) => d.state),
      ...(more?.params ?? []),
    ],
  );
  return r.rows[0]!;
}

/**
 * What a sender already sent under a DocumentId, in one query: the message with
 * exactly these bytes (a resubmission), and the newest document (the original
 * of a recall/update/replacement, or a conflict for a new one).
 */
export async function findPrior(
  q: Queryable,
  from: string,
  kind: 'edoc' | 'status',
  documentId: string,
  sha256: string,
): Promise<{ duplicate: MessageRow | null; latestDocument: MessageRow | null }> {
  const r = await q.query<MessageRow>(
    `-- prepared: message_prior
     SELECT ${COLUMNS} FROM messages
      WHERE from_organ = $1 AND document_id = $3 AND (kind = 'edoc' OR (kind = $2 AND sha256 = $4))
      ORDER BY seq DESC`,
    [from, kind, documentId, sha256],
  );
  return {
    duplicate: r.rows.find((m) => m.kind === kind && m.sha256 === sha256) ?? null,
    latestDocument: r.rows.find((m) => m.kind === 'edoc') ?? null,
  };
}

export async function getMessage(q: Queryable, id: string): Promise<MessageRow | null> {
  const r = await q.query<MessageRow>(`SELECT ${COLUMNS} FROM messages WHERE id = $1`, [id]);
  return r.rows[0] ?? null;
}

/** The newest document a sender sent under a DocumentId (the original of a recall/update/replacement). */
export async function findLatestDocument(q: Queryable, from: string, documentId: string): Promise<MessageRow | null> {
  const r = await q.query<MessageRow>(
    `SELECT ${COLUMNS} FROM messages WHERE from_organ = $1 AND document_id = $2 AND kind = 'edoc' ORDER BY seq DESC LIMIT 1`,
    [from, documentId],
  );
  return r.rows[0] ?? null;
}

/** Sent messages of an agency, oldest first after a cursor (seq). */
export async function listSent(q: Queryable, from: string, after: string | null, limit: number): Promise<MessageRow[]> {
  const r = await q.query<MessageRow>(
    `SELECT ${COLUMNS} FROM messages WHERE from_organ = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
    [from, after ?? '0', limit],
  );
  return r.rows;
}

/** Deletes the bytes of messages accepted before `before`; returns the ids purged. */
export interface PurgedBody {
  id: string;
  size: number;
  sha256: string;
  from_organ: string;
  recipients: string[];
  document_id: string;
}

export async function purgeBodies(q: Queryable, before: Date, limit: number): Promise<PurgedBody[]> {
  const r = await q.query<PurgedBody>(
    `UPDATE message_bodies b SET bytes = NULL, purged_at = now()
       FROM messages m
      WHERE b.message_id = m.id AND b.bytes IS NOT NULL
        AND b.message_id IN (SELECT mm.id FROM messages mm JOIN message_bodies bb ON bb.message_id = mm.id
                              WHERE mm.accepted_at < $1 AND bb.bytes IS NOT NULL ORDER BY mm.accepted_at LIMIT $2)
      RETURNING m.id, m.size, m.sha256, m.from_organ, m.recipients, m.document_id`,
    [before, limit],
  );
  return r.rows;
}

export async function getMessages(q: Queryable, ids: string[]): Promise<Map<string, MessageRow>> {
  if (ids.length === 0) return new Map();
  const r = await q.query<MessageRow>(`-- prepared: messages_by_ids\nSELECT ${COLUMNS} FROM messages WHERE id = ANY($1::uuid[])`, [ids]);
  return new Map(r.rows.map((m) => [m.id, m]));
}

/** Later messages that recall, update or replace this one. */
export async function listLinkedTo(q: Queryable, id: string): Promise<MessageRow[]> {
  const r = await q.query<MessageRow>(`SELECT ${COLUMNS} FROM messages WHERE related_message_id = $1 AND kind = 'edoc' ORDER BY seq`, [id]);
  return r.rows;
}

/** What a reader needs to download a message, in one round trip: metadata, bytes, and the reader's own delivery. */
export async function getMessageWithBytes(
  q: Queryable,
  id: string,
  reader: string,
): Promise<{ message: MessageRow; bytes: Buffer | null; delivery: { id: string; state: string } | null } | null> {
  const r = await q.query<MessageRow & { bytes: Uint8Array | null; delivery_id: string | null; delivery_state: string | null }>(
    `-- prepared: message_with_bytes
     SELECT ${COLUMNS_OF_M}, b.bytes, d.id AS delivery_id, d.state AS delivery_state
       FROM messages m JOIN message_bodies b ON b.message_id = m.id
       LEFT JOIN deliveries d ON d.message_id = m.id AND d.recipient = $2
      WHERE m.id = $1`,
    [id, reader],
  );
  const row = r.rows[0];
  if (!row) return null;
  const { bytes, delivery_id, delivery_state, ...message } = row;
  return {
    message,
    bytes: bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : null,
    delivery: delivery_id && delivery_state ? { id: delivery_id, state: delivery_state } : null,
  };
}
