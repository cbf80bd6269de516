/**
 * The log's index of entries about several messages at once.
 *
 * A recipient's page fetch and batch acknowledgement are each one state
 * change over up to a thousand deliveries; they are logged as one entry per
 * sender (`deliveries.fetched`, `deliveries.acknowledged`, `deliveries.failed`)
 * listing its deliveries in `data`, where earlier versions wrote one entry per
 * delivery. The entry's own `message_id` is then null, so this table lets a
 * lookup by message id (and by DocumentId, through `messages`) find it. Like
 * the agency index it is a lookup aid, filled in the entry's own statement and
 * append-only; what counts as proof is the entry's `data`, covered by the chain.
 */
import type { Migration } from './migration.js';

const sql = /* sql */ `
CREATE TABLE audit_event_messages (
  message_id text NOT NULL,
  event_id   bigint NOT NULL,
  PRIMARY KEY (message_id, event_id)
);
CREATE TRIGGER audit_event_messages_append_only BEFORE UPDATE OR DELETE ON audit_event_messages
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_event_messages_no_truncate BEFORE TRUNCATE ON audit_event_messages
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
`;

export const auditEventMessagesMigration: Migration = { id: '008-audit-event-messages', sql };
