/** Accepted messages: metadata rows and the exact submitted bytes. */
import { sqlLiteral, type MoreWrites, type Queryable } from './db.js';
import type { DeliveryState } from './delivery-repo.js';
import { advisoryKey } from './advisory-key.js';
import { bodyColumns, storedBody, wholeBody, type BodyColumns } from './body-slices.js';
import type { PartedBytes } from '../shared/bytes-body.js';

/**
 * The lock a transaction that inserts messages and deliveries holds from its
 * start (in `TxOptions.locks`), so that they commit in the order of their seq.
 * Lists read with a seq as cursor (the inbox, sent messages) rely on it: a
 * row committed after a page was read always sorts after that page. Without
 * it, a transaction could take seq 40, another seq 41 and commit first, and
 * a client polling after 41 would never see 40. It serializes the accept
 * transactions of several hub processes (one process runs one at a time anyway).
 */
export const SEQ_ORDER_LOCK = advisoryKey('edoc-hub', 'seq-order');

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

/** What lists show: every column but the parsed summary. */
const HEADER_COLUMNS = `id, seq::text AS seq, kind, from_organ, recipients, document_id, business_doc_type, status_code, sha256, size,
  subject, code_number, code_notation, priority, signature, related_message_id, generated_by_hub, accepted_at`;

const COLUMNS = `${HEADER_COLUMNS}, summary`;

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

/** A message to insert with its exact bytes and its planned deliveries. */
export interface MessageToInsert {
  message: NewMessage;
  bytes: Buffer;
  deliveries: readonly PlannedDelivery[];
}

/**
 * Inserts the message rows, their exact bytes, their deliveries and `more`
 * (e.g. their log entries) in ONE statement: one round trip, all or nothing,
 * however many messages. Seq follows the order given. The transaction must
 * hold {@link SEQ_ORDER_LOCK}.
 */
export async function insertMessages(q: Queryable, items: readonly MessageToInsert[], more?: MoreWrites): Promise<Map<string, MessageRow>> {
  if (items.length === 0) return new Map();
  // The bytes travel as binary parameters, one each (as JSON they would double in size).
  // The rows travel as jsonb, so their summary and signature are parsed once, not twice.
  const bodies = items.map((_, i) => `$${3 + i}::bytea`).join(', ');
  const r = await q.query<{ id: string; seq: string; accepted_at: Date }>(
    `-- prepared: messages_insert_${items.length}${more ? `_${more.name}` : ''}
     WITH x AS MATERIALIZED (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(ord int, id uuid, kind text, from_organ text, recipients text[], document_id text,
         business_doc_type smallint, status_code text, sha256 text, size integer, subject text, code_number text, code_notation text,
         priority smallint, signature jsonb, summary jsonb, related_message_id uuid, generated_by_hub boolean)
     ), inserted AS (
       INSERT INTO messages (id, kind, from_organ, recipients, document_id, business_doc_type, status_code, sha256, size,
         subject, code_number, code_notation, priority, signature, summary, related_message_id, generated_by_hub)
       SELECT id, kind, from_organ, recipients, document_id, business_doc_type, status_code, sha256, size,
         subject, code_number, code_notation, priority, signature, summary, related_message_id, generated_by_hub
         FROM x ORDER BY ord
       RETURNING id, seq::text AS seq, accepted_at
     ), body AS (
       INSERT INTO message_bodies (message_id, bytes)
       SELECT inserted.id, b.bytes FROM unnest(ARRAY[${bodies}]) WITH ORDINALITY AS b(bytes, n)
         JOIN x ON x.ord = b.n - 1 JOIN inserted ON inserted.id = x.id
     ), planned AS (
       INSERT INTO deliveries (id, message_id, recipient, mode, state)
       SELECT d.id, inserted.id, d.recipient, d.mode, d.state
         FROM json_to_recordset($2::json) AS d(ord int, id uuid, message_id uuid, recipient text, mode text, state text)
         JOIN inserted ON inserted.id = d.message_id
        ORDER BY d.ord
     )${more ? `, ${more.sql(3 + items.length)}` : ''}
     SELECT * FROM inserted`,
    [
      JSON.stringify(items.map(({ message: m }, ord) => ({ ord, ...m }))),
      JSON.stringify(items.flatMap(({ message, deliveries }) => deliveries.map((d) => ({ ...d, message_id: message.id }))).map((d, ord) => ({ ord, ...d }))),
      ...items.map((i) => i.bytes),
      ...(more?.params ?? []),
    ],
  );
  // What the database decided (seq, time) joined to what was inserted: the rest need not travel back.
  const inserted = new Map(r.rows.map((row) => [row.id, row]));
  return new Map(
    items.map(({ message }) => {
      const row = inserted.get(message.id)!;
      return [message.id, { ...message, seq: row.seq, accepted_at: row.accepted_at }];
    }),
  );
}

/** {@link insertMessages} for one message. */
export async function insertMessage(q: Queryable, m: NewMessage, bytes: Buffer, deliveries: readonly PlannedDelivery[], more?: MoreWrites): Promise<MessageRow> {
  return (await insertMessages(q, [{ message: m, bytes, deliveries }], more)).get(m.id)!;
}

/** What a submission is checked against: its sender, kind, DocumentId and the hash of its bytes. */
export interface PriorKey {
  from: string;
  kind: 'edoc' | 'status';
  documentId: string;
  sha256: string;
}

export interface Prior {
  /** The message with exactly these bytes (a resubmission). */
  duplicate: MessageRow | null;
  /** The newest document under the DocumentId (the original of a recall/update/replacement, or a conflict for a new one). */
  latestDocument: MessageRow | null;
}

/**
 * The query of what each sender already sent under each DocumentId, for many
 * submissions at once, with the keys written in as literals: the accept
 * transaction sends it with BEGIN and its locks (`TxOptions.first`), one round
 * trip for all three. Read its rows with `priorsFromRows`. (Not a prepared
 * statement, like the other lookups of a page of keys below: a generic plan
 * made while the table was small — a sequential scan — would stay in the
 * connection's cache, scanning the grown table, until an ANALYZE.)
 */
export function priorsQuery(keys: readonly PriorKey[]): string {
  const column = (pick: (k: PriorKey) => string): string => `ARRAY[${keys.map((k) => sqlLiteral(pick(k))).join(', ')}]::text[]`;
  return `SELECT k.n::int AS k, ${COLUMNS_OF_M}
       FROM unnest(${column((k) => k.from)}, ${column((k) => k.kind)}, ${column((k) => k.documentId)}, ${column((k) => k.sha256)})
            WITH ORDINALITY AS k(from_organ, kind, document_id, sha256, n)
       JOIN messages m ON m.from_organ = k.from_organ AND m.document_id = k.document_id
        AND (m.kind = 'edoc' OR (m.kind = k.kind AND m.sha256 = k.sha256))
      ORDER BY m.seq DESC`;
}

/** {@link priorsQuery} run on its own. */
export async function findPriors(q: Queryable, keys: readonly PriorKey[]): Promise<Prior[]> {
  return priorsFromRows(keys, (await q.query(priorsQuery(keys))).rows);
}

/** The answers of {@link priorsQuery}, in the keys' order. */
export function priorsFromRows(keys: readonly PriorKey[], found: readonly Record<string, unknown>[]): Prior[] {
  const all = found as unknown as readonly (MessageRow & { k: number })[]; // the columns of priorsQuery
  return keys.map((key, i) => {
    const rows: MessageRow[] = all.filter((row) => row.k === i + 1).map(({ k: _k, ...m }) => m);
    return {
      duplicate: rows.find((m) => m.kind === key.kind && m.sha256 === key.sha256) ?? null,
      latestDocument: rows.find((m) => m.kind === 'edoc') ?? null,
    };
  });
}

export async function getMessage(q: Queryable, id: string): Promise<MessageRow | null> {
  const r = await q.query<MessageRow>(`SELECT ${COLUMNS} FROM messages WHERE id = $1`, [id]);
  return r.rows[0] ?? null;
}

/** The newest document a sender sent under a DocumentId (the original of a recall/update/replacement). */
export async function findLatestDocument(q: Queryable, from: string, documentId: string): Promise<MessageRow | null> {
  const r = await q.query<MessageRow>(
    `SELECT ${COLUMNS} FROM messages WHERE from_organ = $1 AND document_id = $2 AND kind = 'edoc' ORDER BY messages.seq DESC LIMIT 1`,
    [from, documentId],
  );
  return r.rows[0] ?? null;
}

/** Sent messages of an agency, oldest first after a cursor (seq). */
export async function listSent(q: Queryable, from: string, after: string | null, limit: number): Promise<MessageRow[]> {
  const r = await q.query<MessageRow>(
    `SELECT ${COLUMNS} FROM messages WHERE from_organ = $1 AND seq > $2 ORDER BY messages.seq LIMIT $3`,
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

/**
 * The exact bytes of these messages (null once purged by retention). They come
 * as hex text that `pg` decodes, large ones in slices (./body-slices.ts). Its
 * binary result format would spare the hex, but pg 8.23 reads every binary
 * value through a UTF-8 string, which changes bytes that are not UTF-8 (tried;
 * a test caught it).
 */
export async function getMessageBodies(q: Queryable, ids: readonly string[]): Promise<Map<string, Buffer | null>> {
  if (ids.length === 0) return new Map();
  const r = await q.query<{ message_id: string } & BodyColumns>(
    `SELECT message_id, ${bodyColumns('bytes')} FROM message_bodies WHERE message_id = ANY($1::uuid[])`,
    [ids],
  );
  const bodies = new Map<string, Buffer | null>();
  for (const row of r.rows) bodies.set(row.message_id, await wholeBody(q, row.message_id, row));
  return bodies;
}

/** A message row without its parsed summary: what lists show. */
export type MessageHeaderRow = Omit<MessageRow, 'summary'>;

export async function getMessageHeaders(q: Queryable, ids: string[]): Promise<Map<string, MessageHeaderRow>> {
  if (ids.length === 0) return new Map();
  const r = await q.query<MessageHeaderRow>(`SELECT ${HEADER_COLUMNS} FROM messages WHERE id = ANY($1::uuid[])`, [ids]);
  return new Map(r.rows.map((m) => [m.id, m]));
}

/** The id of the hub's failure notice about a delivery (see notify-sender), if it sent one. */
export async function findHubNotice(q: Queryable, deliveryId: string): Promise<string | null> {
  const r = await q.query<{ id: string }>("SELECT id FROM messages WHERE generated_by_hub AND summary->>'noticeForDelivery' = $1", [deliveryId]);
  return r.rows[0]?.id ?? null;
}

/** Later messages that recall, update or replace this one. */
export async function listLinkedTo(q: Queryable, id: string): Promise<MessageRow[]> {
  const r = await q.query<MessageRow>(`SELECT ${COLUMNS} FROM messages WHERE related_message_id = $1 AND kind = 'edoc' ORDER BY messages.seq`, [id]);
  return r.rows;
}

/**
 * What a reader needs to download a message, in one round trip: metadata, the
 * body (null when purged; a large one is read in slices as it is sent), and the
 * reader's own delivery. The slices are read with `q` after this returns: pass
 * the pool, not a transaction that ends before the body is sent.
 */
export async function getMessageWithBody(
  q: Queryable,
  id: string,
  reader: string,
): Promise<{ message: MessageRow; body: PartedBytes | null; delivery: { id: string; state: string } | null } | null> {
  const r = await q.query<MessageRow & BodyColumns & { delivery_id: string | null; delivery_state: string | null }>(
    `SELECT ${COLUMNS_OF_M}, ${bodyColumns('b.bytes')}, d.id AS delivery_id, d.state AS delivery_state
       FROM messages m JOIN message_bodies b ON b.message_id = m.id
       LEFT JOIN deliveries d ON d.message_id = m.id AND d.recipient = $2
      WHERE m.id = $1`,
    [id, reader],
  );
  const row = r.rows[0];
  if (!row) return null;
  const { bytes, body_size, body_compressed, delivery_id, delivery_state, ...message } = row;
  return {
    message,
    body: storedBody(q, id, { bytes, body_size, body_compressed }),
    delivery: delivery_id && delivery_state ? { id: delivery_id, state: delivery_state } : null,
  };
}
