/**
 * Agency systems that call the national-axis compatible API (src/axis/): each
 * has a system id and a shared secret with which it signs its requests
 * (HMAC-SHA256), and acts for one agency. The secret is kept as given, since
 * checking an HMAC needs it; it is made by `edoc-hub axis add-system` and shown
 * only then. None exist until an operator adds one.
 */
import type { Migration } from './migration.js';

const sql = /* sql */ `
CREATE TABLE axis_systems (
  system_id text PRIMARY KEY,
  organ_id text NOT NULL REFERENCES agencies(organ_id),
  secret text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);
`;

export const axisSystemsMigration: Migration = { id: '013-axis-systems', sql };
