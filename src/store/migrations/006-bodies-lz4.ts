/**
 * Document bytes are compressed with LZ4 instead of PostgreSQL's default pglz.
 *
 * Every body is above the TOAST threshold (2 KB), so each insert runs the
 * compressor. pglz costs ~160 µs on a 10 KB edXML document whose attachment
 * is base64 (measured on the development machine) and then often keeps the
 * value uncompressed, since base64 saves it less than pglz asks for; LZ4 takes
 * ~30 µs and stores the same document in three quarters of the space. Only new
 * values are affected; stored ones keep their compression, and both read the
 * same. A server built without LZ4 (and the embedded database) keeps pglz.
 */
import type { Migration } from './migration.js';

export const bodiesLz4Migration: Migration = {
  id: '006-bodies-lz4',
  sql: `DO $$
BEGIN
  ALTER TABLE message_bodies ALTER COLUMN bytes SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  RAISE NOTICE 'this server has no LZ4: document bytes keep the default compression';
END $$;`,
};
