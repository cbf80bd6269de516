import type { Migration } from './migration.js';

/**
 * The web console: people (clerks of an agency, auditors, operators) with
 * scrypt password hashes and lock-out counters, their sessions (only a hash
 * of the session id is stored), and the indexes the console's searches use so
 * the first page of a large sent list or inbox is an ordered index range scan.
 */
export const consoleMigration: Migration = {
  id: '003-console',
  sql: `
CREATE TABLE console_users (
  id bigserial PRIMARY KEY,
  username text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
  role text NOT NULL CHECK (role IN ('clerk', 'auditor', 'operator')),
  organ_id text NULL REFERENCES agencies(organ_id),
  password_hash text NOT NULL,
  failed_attempts integer NOT NULL DEFAULT 0,
  locked_until timestamptz NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((role = 'clerk') = (organ_id IS NOT NULL))
);

CREATE TABLE console_sessions (
  id_hash text PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES console_users(id) ON DELETE CASCADE,
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  last_seen timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX console_sessions_user ON console_sessions (user_id);
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);

-- Searches of the console (src/store/search-repo.ts).
CREATE INDEX messages_sent_time ON messages (from_organ, accepted_at);
CREATE INDEX messages_recipients ON messages USING gin (recipients);
CREATE INDEX messages_sent_notation ON messages (from_organ, code_notation);
CREATE INDEX deliveries_received ON deliveries (recipient, seq);
`,
};
