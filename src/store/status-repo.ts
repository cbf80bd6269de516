/** Business statuses (01–16) reported about a document by its recipients (or its sender, for 13). */
import type { Queryable } from './db.js';

export interface BusinessStatusRow {
  id: string;
  document_message_id: string;
  reporter: string;
  status_code: string;
  description: string | null;
  staff: Record<string, unknown> | null;
  reported_at: string | null;
  reported_at_iso: Date | null;
  status_message_id: string;
  recorded_at: Date;
  /** Whom the status message went to (its ResponseFor): which recipients a sender's 13 is about. */
  sent_to: string[];
}

export interface NewBusinessStatus {
  documentMessageId: string;
  reporter: string;
  statusCode: string;
  description: string | null;
  staff: Record<string, unknown> | null;
  reportedAt: string | null;
  reportedAtIso: string | null;
  statusMessageId: string;
}

export async function insertBusinessStatus(q: Queryable, s: NewBusinessStatus): Promise<void> {
  await q.query(
    `INSERT INTO business_statuses (document_message_id, reporter, status_code, description, staff, reported_at, reported_at_iso, status_message_id)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
    [s.documentMessageId, s.reporter, s.statusCode, s.description, s.staff ? JSON.stringify(s.staff) : null, s.reportedAt, s.reportedAtIso, s.statusMessageId],
  );
}

export async function listBusinessStatuses(q: Queryable, documentMessageIds: string[]): Promise<BusinessStatusRow[]> {
  if (documentMessageIds.length === 0) return [];
  const r = await q.query<BusinessStatusRow>(
    `SELECT s.id::text AS id, s.document_message_id, s.reporter, s.status_code, s.description, s.staff, s.reported_at, s.reported_at_iso,
            s.status_message_id, s.recorded_at, sm.recipients AS sent_to
       FROM business_statuses s JOIN messages sm ON sm.id = s.status_message_id
      WHERE s.document_message_id = ANY($1::uuid[]) ORDER BY s.id`,
    [documentMessageIds],
  );
  return r.rows;
}

/**
 * Finds the document a status message is about: sent by one party of the status
 * to the other, under the DocumentId the status names. Returns the newest.
 */
export async function findDocumentBetween(
  q: Queryable,
  documentId: string,
  sender: string,
  recipient: string,
): Promise<{ id: string; from_organ: string } | null> {
  const r = await q.query<{ id: string; from_organ: string }>(
    `SELECT m.id, m.from_organ FROM messages m
      WHERE m.document_id = $1 AND m.kind = 'edoc' AND m.from_organ = $2
        AND EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = m.id AND d.recipient = $3)
      ORDER BY m.seq DESC LIMIT 1`,
    [documentId, sender, recipient],
  );
  return r.rows[0] ?? null;
}

/**
 * Whether `sender` asked `recipient` to take back a document under this
 * DocumentId: a take-back request (13) sent to it, or a recall, update or
 * replacement message addressed to it (under the DocumentId, or linked to a
 * document under it). A 15 or 16 answers one of these.
 */
export async function hasTakeBackRequest(q: Queryable, documentId: string, sender: string, recipient: string): Promise<boolean> {
  const r = await q.query(
    `SELECT 1 FROM business_statuses s
       JOIN messages d ON d.id = s.document_message_id
       JOIN messages sm ON sm.id = s.status_message_id
      WHERE d.document_id = $1 AND d.from_organ = $2 AND s.reporter = $2 AND s.status_code = '13' AND $3 = ANY(sm.recipients)
     UNION ALL
     SELECT 1 FROM messages t
      WHERE t.from_organ = $2 AND t.kind = 'edoc' AND t.business_doc_type IN (1, 2, 3) AND $3 = ANY(t.recipients)
        AND (t.document_id = $1
             OR t.related_message_id IN (SELECT o.id FROM messages o WHERE o.document_id = $1 AND o.from_organ = $2))
     LIMIT 1`,
    [documentId, sender, recipient],
  );
  return r.rows.length > 0;
}
