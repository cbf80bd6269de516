/**
 * The agency index of the log gets one row per (agency, append statement)
 * instead of one per (agency, event): an accept writes 4 rows instead of 12.
 * Events appended by one statement share their `at`, so the row's `at` is
 * every listed event's, and a page ordered by (at, id) still comes from an
 * ordered range scan (with a sort inside equal times). Existing rows list their one event.
 */
import type { Migration } from './migration.js';

const sql = /* sql */ `
ALTER TABLE audit_event_organs ADD COLUMN event_ids bigint[];
ALTER TABLE audit_event_organs DISABLE TRIGGER audit_event_organs_append_only;
UPDATE audit_event_organs SET event_ids = ARRAY[event_id];
ALTER TABLE audit_event_organs ENABLE TRIGGER audit_event_organs_append_only;
ALTER TABLE audit_event_organs ALTER COLUMN event_ids SET NOT NULL;
COMMENT ON COLUMN audit_event_organs.event_id IS 'the first of event_ids (keeps the primary key unique per statement)';
COMMENT ON COLUMN audit_event_organs.event_ids IS 'the events of one append statement that concern the agency; all have this row''s at';
`;

export const auditOrganBatchesMigration: Migration = { id: '004-audit-organ-batches', sql };
