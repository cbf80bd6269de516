/**
 * Every schema migration, in the order they apply. Append new ones at the end;
 * never edit or reorder one that has shipped.
 */
import type { Migration } from './migration.js';
import { migration001Audit } from './001-audit.js';
import { exchangeMigration } from './002-exchange.js';
import { consoleMigration } from './003-console.js';
import { auditOrganBatchesMigration } from './004-audit-organ-batches.js';
import { dropRecipientsGinMigration } from './005-drop-recipients-gin.js';
import { bodiesLz4Migration } from './006-bodies-lz4.js';
import { dropDeliveriesSeqKeyMigration } from './007-drop-deliveries-seq-key.js';
import { auditEventMessagesMigration } from './008-audit-event-messages.js';
import { messagesLookupIndexesMigration } from './009-messages-lookup-indexes.js';
import { auditDataLz4Migration } from './010-audit-data-lz4.js';
import { deliveriesHotFetchMigration } from './011-deliveries-hot-fetch.js';
import { senderNoticesDueMigration } from './012-sender-notices-due.js';
import { axisSystemsMigration } from './013-axis-systems.js';

export type { Migration } from './migration.js';

export const migrations: readonly Migration[] = [
  migration001Audit,
  exchangeMigration,
  consoleMigration,
  auditOrganBatchesMigration,
  dropRecipientsGinMigration,
  bodiesLz4Migration,
  dropDeliveriesSeqKeyMigration,
  auditEventMessagesMigration,
  messagesLookupIndexesMigration,
  auditDataLz4Migration,
  deliveriesHotFetchMigration,
  senderNoticesDueMigration,
  axisSystemsMigration,
];
