/**
 * Drops the GIN index on messages.recipients: no query can use it (they test
 * `$1 = ANY(recipients)`, which GIN does not serve; received lists go through
 * deliveries), and with every message naming the same few recipients its
 * posting lists made each accept slower as the table grew (measured: accepts/s
 * fell by two thirds within a minute of load; flat without it).
 */
import type { Migration } from './migration.js';

export const dropRecipientsGinMigration: Migration = { id: '005-drop-recipients-gin', sql: 'DROP INDEX IF EXISTS messages_recipients;' };
