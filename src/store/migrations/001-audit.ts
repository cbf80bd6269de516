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

-- Committed events not yet in the chain; the sealer consumes it.
CREATE TABLE audit_pending (event_id bigint PRIMARY KEY);

CREATE TABLE audit_chain (
  seq       bigint PRIMARY KEY,
  event_id  bigint NOT NULL UNIQUE REFERENCES audit_events (id),
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

CREATE FUNCTION audit_events_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit_pending (event_id) SELECT id FROM new_rows;
  INSERT INTO audit_event_organs (organ, at, event_id)
    SELECT DISTINCT o, n.at, n.id FROM new_rows n CROSS JOIN LATERAL unnest(n.organs) AS o;
  PERFORM pg_notify('audit_events', '');
  RETURN NULL;
END $$;

CREATE TRIGGER audit_events_after_insert AFTER INSERT ON audit_events
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION audit_events_after_insert();

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
