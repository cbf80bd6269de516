/** SQL pieces shared by the sealer, the readers and the exporter, so every path sees the same values. */

/** `at` rendered exactly as it is hashed: UTC, milliseconds, `Z`. */
export const AT_TEXT = `to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Columns of `audit_events e` that make an `AuditRecord` (minus seq). */
export const RECORD_COLUMNS = `e.id AS event_id, ${AT_TEXT} AS at, e.type, e.actor, e.organs,
  e.message_id, e.delivery_id, e.document_id, e.data`;

/** A row selected with {@link RECORD_COLUMNS}. */
export interface RecordRow {
  event_id: string;
  at: string;
  type: string;
  actor: string;
  organs: string[];
  message_id: string | null;
  delivery_id: string | null;
  document_id: string | null;
  data: Record<string, unknown>;
}

/**
 * The record columns as the chain readers (verify, export) take them: `at`
 * with microseconds and `data` as PostgreSQL's text, so the reader can tell
 * a stored value that the record would not show (AT_TEXT drops sub-millisecond
 * digits; a jsonb number may hold more than a double) from one it shows.
 * Same cost as RECORD_COLUMNS: jsonb travels as text either way and is parsed once.
 */
export const STORED_RECORD_COLUMNS = `e.id AS event_id, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at_us,
  e.type, e.actor, e.organs, e.message_id, e.delivery_id, e.document_id, e.data::text AS data_text`;

/** A row selected with {@link STORED_RECORD_COLUMNS}. */
export interface StoredRecordRow extends Omit<RecordRow, 'at' | 'data'> {
  /** `YYYY-MM-DDTHH:MM:SS.uuuuuuZ` */
  at_us: string;
  /** `data` as jsonb's text output. */
  data_text: string;
}

/**
 * `e` (an `audit_events` row) is about the message `$p`: its own `message_id`,
 * or an entry that lists it (`audit_event_messages`). A semi-join over a union,
 * so both halves run on their index (an OR would scan the log).
 */
export const aboutMessageSql = (p: string): string =>
  `e.id IN (SELECT id FROM audit_events WHERE message_id = ${p}
            UNION ALL SELECT event_id FROM audit_event_messages WHERE message_id = ${p})`;

/** `e` is about the DocumentId `$p`: its own `document_id`, or an entry that lists one of the document's messages. */
export const aboutDocumentSql = (p: string): string =>
  `e.id IN (SELECT id FROM audit_events WHERE document_id = ${p}
            UNION ALL SELECT l.event_id FROM messages m JOIN audit_event_messages l ON l.message_id = m.id::text WHERE m.document_id = ${p})`;
