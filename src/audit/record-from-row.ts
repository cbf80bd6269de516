/** Turns a database row into the record that is hashed. */
import type { AuditRecord } from './audit-record.js';
import type { RecordRow } from './sql-fragments.js';

/** The record of chain position `seq` from a row selected with RECORD_COLUMNS. */
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
