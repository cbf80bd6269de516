/** Turns a bulk-read database row into the record that is hashed. */
import type { AuditRecord } from './audit-record.js';
import type { RecordJson } from './sql-fragments.js';

/** The record of chain position `seq` from a {@link RecordJson} array. */
export function recordFromJson(seq: string, j: RecordJson): AuditRecord {
  return { seq, eventId: j[0], at: j[1], type: j[2], actor: j[3], organs: j[4], messageId: j[5], deliveryId: j[6], documentId: j[7], data: j[8] };
}
