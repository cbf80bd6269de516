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

