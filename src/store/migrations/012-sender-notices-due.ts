/**
 * A sender is told when a copy of its message failed (a "fail" acknowledgement,
 * or undeliverable after its push attempts): the hub sends it a signed 02
 * notice. That notice was made after the state change had committed, so a
 * crash or a database error between the two lost it for good.
 *
 * Now the state change itself records that a notice is due (`notices_due`,
 * written by a trigger in the same transaction, whatever code path made the
 * change), the notice's own transaction removes the row, and the reconciler
 * makes the notices still due after a grace period. The trigger's WHEN is
 * checked before anything runs, so the hot updates (fetched, acknowledged)
 * pay nothing for it. Failed copies from before this migration that have no
 * notice are recorded as due.
 */
import type { Migration } from './migration.js';

const sql = /* sql */ `
CREATE TABLE notices_due (
  delivery_id uuid PRIMARY KEY REFERENCES deliveries(id),
  due_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION notice_due_on_failure() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO notices_due (delivery_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

CREATE TRIGGER deliveries_notice_due AFTER UPDATE OF state ON deliveries
  FOR EACH ROW WHEN (NEW.state IN ('failed', 'undeliverable') AND OLD.state IS DISTINCT FROM NEW.state)
  EXECUTE FUNCTION notice_due_on_failure();

INSERT INTO notices_due (delivery_id)
SELECT d.id FROM deliveries d JOIN messages m ON m.id = d.message_id
 WHERE d.state IN ('failed', 'undeliverable') AND NOT m.generated_by_hub
   AND NOT EXISTS (SELECT 1 FROM messages n WHERE n.generated_by_hub AND n.summary->>'noticeForDelivery' = d.id::text);
`;

export const senderNoticesDueMigration: Migration = { id: '012-sender-notices-due', sql };
