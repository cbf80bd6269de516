/**
 * The exchange log (see docs/audit.md): append-only events written in the
 * caller's transaction, the hash chain written only by the sealer, signed
 * checkpoints, and two helper tables (pending queue, agency index).
 */
import type { Migration } from './migration.js';

const sql = /* sql */ `
CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TABLE audit_events (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
  type        text NOT NULL,
  actor       text NOT NULL,
  organs      text[] NOT NULL DEFAULT '{}',
  message_id  text,
  delivery_id text,
  document_id text,
  data        jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_at ON audit_events (at, id);
CREATE INDEX audit_events_document ON audit_events (document_id, at, id) WHERE document_id IS NOT NULL;
CREATE INDEX audit_events_message ON audit_events (message_id, at, id) WHERE message_id IS NOT NULL;
CREATE INDEX audit_events_type ON audit_events (type, at, id);

-- One row per (agency concerned, event): an ordered range scan for "agency X between t1 and t2".
CREATE TABLE audit_event_organs (
  organ    text NOT NULL,
  at       timestamptz NOT NULL,
  event_id bigint NOT NULL,
  PRIMARY KEY (organ, at, event_id)
);

-- Committed events not yet in the chain; the sealer consumes it. appendAuditEvents
-- fills it and audit_event_organs in the same statement as the event (no trigger:
-- cheaper on the accept path, and no NOTIFY, whose commit lock serialises writers).
CREATE TABLE audit_pending (event_id bigint PRIMARY KEY);

CREATE TABLE audit_chain (
  seq       bigint PRIMARY KEY,
  -- No foreign key: its per-row KEY SHARE lock would rewrite every event tuple
  -- while sealing; the verifier reports a chain entry whose event is missing.
  event_id  bigint NOT NULL UNIQUE,
  prev_hash text NOT NULL,
  hash      text NOT NULL
);

CREATE TABLE audit_checkpoints (
  seq             bigint PRIMARY KEY,
  hash            text NOT NULL,
  at              timestamptz NOT NULL,
  algorithm       text NOT NULL,
  signature       text NOT NULL,
  certificate_pem text NOT NULL
);

CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_event_organs_append_only BEFORE UPDATE OR DELETE ON audit_event_organs
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_event_organs_no_truncate BEFORE TRUNCATE ON audit_event_organs
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_chain_append_only BEFORE UPDATE OR DELETE ON audit_chain
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
`;

export const migration001Audit: Migration = { id: '001-audit', sql };
