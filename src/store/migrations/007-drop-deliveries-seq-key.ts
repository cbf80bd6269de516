/**
 * Deliveries lose the unique index on `seq` alone.
 *
 * No query looks a delivery up by its seq without its recipient: the inbox
 * and the received list walk (recipient, seq), and a message's deliveries are
 * found by message_id. The values come from one sequence, so they stay unique
 * without the check. The index still cost an entry for every row version,
 * and a pull delivery has three (inserted, fetched, acknowledged: a state
 * change is never a HOT update, since `state` is in partial indexes): 9 of
 * the ~134 index entries an accepted document with three recipients wrote
 * (hub bench, `pg_waldump --stats`), with 0 scans in `pg_stat_user_indexes`.
 */
import type { Migration } from './migration.js';

export const dropDeliveriesSeqKeyMigration: Migration = {
  id: '007-drop-deliveries-seq-key',
  sql: 'ALTER TABLE deliveries DROP CONSTRAINT IF EXISTS deliveries_seq_key;',
};
