/** SQL pieces shared by the sealer, the readers and the exporter, so every path sees the same values. */

/** `at` rendered exactly as it is hashed: UTC, milliseconds, `Z`. */
export const AT_TEXT = `to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Columns of `audit_events e` that make an `AuditRecord` (minus seq). */
export const RECORD_COLUMNS = `e.id AS event_id, ${AT_TEXT} AS at, e.type, e.actor, e.organs,
  e.message_id, e.delivery_id, e.document_id, e.data`;

/**
 * The same fields as one JSON array per row, for bulk reads: decoding one
 * aggregated JSON text is several times cheaper in Node than row-by-row
 * protocol parsing. Order: id, at, type, actor, organs, message_id,
 * delivery_id, document_id, data (id is text: bigint-safe).
 */
export const RECORD_JSON = `json_build_array(e.id::text, ${AT_TEXT}, e.type, e.actor, e.organs,
  e.message_id, e.delivery_id, e.document_id, e.data)`;

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

/** A row selected with {@link RECORD_JSON}, after JSON.parse. */
export type RecordJson = [string, string, string, string, string[], string | null, string | null, string | null, Record<string, unknown>];
