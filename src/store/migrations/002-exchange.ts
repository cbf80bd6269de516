import type { Migration } from './migration.js';

/**
 * The exchange's system of record: agencies, accepted messages (metadata and the
 * exact bytes, kept apart so lists never touch the bytes), per-recipient
 * deliveries and the business statuses reported about each document.
 */
export const exchangeMigration: Migration = {
  id: '002-exchange',
  sql: `
CREATE TABLE agencies (
  organ_id text PRIMARY KEY,
  name text NOT NULL,
  parent text NULL,
  contact jsonb NOT NULL DEFAULT '{}',
  delivery_mode text NOT NULL DEFAULT 'pull' CHECK (delivery_mode IN ('pull', 'push')),
  endpoint text NULL,
  signature_policy text NOT NULL DEFAULT 'required' CHECK (signature_policy IN ('required', 'lenient')),
  allow_legacy_algorithms boolean NOT NULL DEFAULT false,
  certificates text[] NOT NULL DEFAULT '{}',
  limits jsonb NOT NULL DEFAULT '{}',
  active boolean NOT NULL DEFAULT true,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (delivery_mode = 'pull' OR endpoint IS NOT NULL)
);

CREATE TABLE auditors (
  name text PRIMARY KEY,
  certificates text[] NOT NULL DEFAULT '{}'
);

CREATE TABLE messages (
  id uuid PRIMARY KEY,
  seq bigserial NOT NULL UNIQUE,
  kind text NOT NULL CHECK (kind IN ('edoc', 'status')),
  from_organ text NOT NULL,
  recipients text[] NOT NULL,
  document_id text NOT NULL,
  business_doc_type smallint NULL,
  status_code text NULL,
  sha256 text NOT NULL,
  size integer NOT NULL,
  subject text NULL,
  code_number text NULL,
  code_notation text NULL,
  priority smallint NULL,
  signature jsonb NOT NULL,
  summary jsonb NOT NULL,
  related_message_id uuid NULL REFERENCES messages(id),
  generated_by_hub boolean NOT NULL DEFAULT false,
  accepted_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX messages_idempotency ON messages (from_organ, kind, document_id, sha256);
CREATE INDEX messages_sent ON messages (from_organ, seq);
CREATE INDEX messages_document ON messages (document_id, from_organ);

CREATE TABLE message_bodies (
  message_id uuid PRIMARY KEY REFERENCES messages(id),
  bytes bytea NULL,
  purged_at timestamptz NULL
);

CREATE TABLE deliveries (
  id uuid PRIMARY KEY,
  seq bigserial NOT NULL UNIQUE,
  message_id uuid NOT NULL REFERENCES messages(id),
  recipient text NOT NULL,
  mode text NOT NULL CHECK (mode IN ('pull', 'push')),
  state text NOT NULL CHECK (state IN ('queued', 'pushing', 'retrying', 'available', 'fetched', 'acknowledged', 'failed', 'undeliverable')),
  attempts integer NOT NULL DEFAULT 0,
  last_error text NULL,
  next_attempt_at timestamptz NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz NULL,
  fetched_at timestamptz NULL,
  acked_at timestamptz NULL,
  ack_result text NULL CHECK (ack_result IN ('done', 'fail')),
  ack_reason text NULL,
  UNIQUE (message_id, recipient)
);
CREATE INDEX deliveries_inbox ON deliveries (recipient, seq) WHERE state IN ('available', 'fetched');
CREATE INDEX deliveries_pending ON deliveries (updated_at) WHERE state IN ('queued', 'retrying', 'pushing');

CREATE TABLE business_statuses (
  id bigserial PRIMARY KEY,
  document_message_id uuid NOT NULL REFERENCES messages(id),
  reporter text NOT NULL,
  status_code text NOT NULL,
  description text NULL,
  staff jsonb NULL,
  reported_at text NULL,
  reported_at_iso timestamptz NULL,
  status_message_id uuid NOT NULL REFERENCES messages(id),
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX business_statuses_document ON business_statuses (document_message_id, id);

-- Signed receipts, issued once and handed out unchanged afterwards.
CREATE TABLE receipts (
  subject_id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('submission', 'delivery')),
  bytes bytea NOT NULL,
  issued_at timestamptz NOT NULL DEFAULT now()
);
`,
};
