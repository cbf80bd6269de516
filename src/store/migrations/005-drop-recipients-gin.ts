/**
 * Drops the GIN index on messages.recipients: no query can use it (they test
 * `$1 = ANY(recipients)`, which GIN does not serve; received lists go through
 * deliveries), yet every accept paid for maintaining it — posting lists of the
 * same few recipients, merged by whichever insert fills the pending list.
 */
import type { Migration } from './migration.js';

export const dropRecipientsGinMigration: Migration = { id: '005-drop-recipients-gin', sql: 'DROP INDEX IF EXISTS messages_recipients;' };
