/** Turns database rows into the record that is hashed. */
import type { AuditRecord } from './audit-record.js';
import type { RecordJson, RecordRow } from './sql-fragments.js';

export function recordFromRow(seq: string, r: RecordRow): AuditRecord {
  return {
    seq,
    eventId: r.event_id,
    at: r.at,
    type: r.type,
    actor: r.actor,
    organs: r.organs,
    messageId: r.message_id,
    deliveryId: r.delivery_id,
    documentId: r.document_id,
    data: r.data,
  };
}

/** The same from a {@link RecordJson} array (bulk reads), without an intermediate row object. */
export function recordFromJson(seq: string, j: RecordJson): AuditRecord {
  return { seq, eventId: j[0], at: j[1], type: j[2], actor: j[3], organs: j[4], messageId: j[5], deliveryId: j[6], documentId: j[7], data: j[8] };
}
