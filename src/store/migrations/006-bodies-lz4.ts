/**
 * Document bytes are compressed with LZ4 instead of PostgreSQL's default pglz.
 *
 * Every body is above the TOAST threshold (2 KB), so each insert runs the
 * compressor. On an 11 KB document (XML with a base64 attachment; psql, 5,000
 * rows on the development machine) pglz spent ~160 µs and then kept the value
 * uncompressed, since base64 saved less than pglz asks for; LZ4 took ~30 µs
 * and stored it in three quarters of the space. (Attachments that are already
 * compressed, as PDFs are, barely shrink either way: then LZ4 just costs less
 * to try.) Only new values are affected; stored ones keep their compression,
 * and both read the same. A server built without LZ4 keeps pglz, as does the
 * embedded PGlite, which has no LZ4.
 */
import type { Migration } from './migration.js';
import { compressWithLz4 } from './compress-with-lz4.js';

export const bodiesLz4Migration: Migration = {
  id: '006-bodies-lz4',
  sql: compressWithLz4('message_bodies', 'bytes', 'this server has no LZ4: document bytes keep the default compression'),
};
