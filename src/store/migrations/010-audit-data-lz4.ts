/**
 * The exchange log's `data` is compressed with LZ4 instead of pglz, as the
 * document bytes are (006).
 *
 * An entry for a page fetched or acknowledged lists up to a thousand
 * deliveries: 33 KB of JSON for a page of 200, above the TOAST threshold, so
 * every such append runs the compressor and every sealing reads it back.
 * psql, 300 such values (fresh jsonb each time), development machine: insert
 * 0.92 ms each with pglz, 0.39 ms with LZ4; read back as text 0.40 → 0.35 ms;
 * stored 16.5 → 15.5 KB. Smaller entries (a message's acceptance, ~700 bytes)
 * stay below the threshold and are not compressed either way. Only new values
 * are affected; a server without LZ4 (or PGlite) keeps pglz.
 */
import type { Migration } from './migration.js';
import { compressWithLz4 } from './compress-with-lz4.js';

export const auditDataLz4Migration: Migration = {
  id: '010-audit-data-lz4',
  sql: compressWithLz4('audit_events', 'data', "this server has no LZ4: the log's data keeps the default compression"),
};
