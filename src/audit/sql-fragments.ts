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

/** Converts a {@link RecordJson} to the row shape. */
export function rowFromJson(j: RecordJson): RecordRow {
  return {
    event_id: j[0],
    at: j[1],
    type: j[2],
    actor: j[3],
    organs: j[4],
    message_id: j[5],
    delivery_id: j[6],
    document_id: j[7],
    data: j[8],
  };
}
