/**
 * A recipient's fetch of its deliveries becomes a HOT update: the new row
 * version stays on its page and no index gets a new entry.
 *
 * PostgreSQL makes an update HOT only when no indexed column changes value,
 * including the columns a partial index's predicate names, and when the page
 * has room. Both partial indexes named `state`, so marking a page of deliveries
 * "fetched" wrote an entry in each of the table's four indexes for every
 * delivery, to be written again by the acknowledgement a moment later.
 *
 * - `stage` says which list a delivery is in: the recipient's `inbox`
 *   (available, fetched), the hub's `pending` pushes (queued, pushing,
 *   retrying) or `settled` (acknowledged, failed, undeliverable). It is
 *   computed by PostgreSQL from `state`, so no writer can let the two
 *   disagree, and it does not change between available and fetched. The
 *   two partial indexes now name `stage` instead of `state`.
 * - A fetch no longer sets `updated_at` (a key of the pending index); it is
 *   stamped in `fetched_at`, and the tracking view shows the later of the two.
 * - New pages are filled half, leaving room for each row's fetched version.
 *
 * psql, 60,000 deliveries marked fetched in pages of 200, development machine:
 * 30 → 8.5 µs per delivery, WAL 71 → 30 MB (with full-page images). Adding a
 * stored column rewrites the table under an exclusive lock: on a large
 * existing database, run the upgrade in a quiet hour.
 */
import type { Migration } from './migration.js';

const sql = /* sql */ `
ALTER TABLE deliveries ADD COLUMN stage text NOT NULL GENERATED ALWAYS AS (
  CASE WHEN state IN ('available', 'fetched') THEN 'inbox'
       WHEN state IN ('queued', 'pushing', 'retrying') THEN 'pending'
       ELSE 'settled' END) STORED;
DROP INDEX deliveries_inbox;
CREATE INDEX deliveries_inbox ON deliveries (recipient, seq) WHERE stage = 'inbox';
DROP INDEX deliveries_pending;
CREATE INDEX deliveries_pending ON deliveries (updated_at) WHERE stage = 'pending';
ALTER TABLE deliveries SET (fillfactor = 50);
`;

export const deliveriesHotFetchMigration: Migration = { id: '011-deliveries-hot-fetch', sql };
