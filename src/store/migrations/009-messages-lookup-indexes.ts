/**
 * Two lookups of `messages` that scanned the whole table, found while
 * checking which statements stay on an index as the tables grow:
 *
 * - a document's recalls, updates and replacements (`related_message_id`),
 *   read by every tracking request and every clerk's document page;
 * - the hub's own failure notice for a delivery (`summary->>'noticeForDelivery'`),
 *   looked for before each notice so that none is sent twice.
 *
 * Both indexes are partial: only the few rows that have such a link or are
 * such a notice enter them, so an ordinary accepted document writes no entry.
 */
import type { Migration } from './migration.js';

const sql = /* sql */ `
CREATE INDEX messages_related ON messages (related_message_id) WHERE related_message_id IS NOT NULL;
CREATE INDEX messages_hub_notices ON messages ((summary->>'noticeForDelivery')) WHERE generated_by_hub;
`;

export const messagesLookupIndexesMigration: Migration = { id: '009-messages-lookup-indexes', sql };
