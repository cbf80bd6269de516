/**
 * SQL that makes a column compress new values with LZ4, or, on a server built
 * without LZ4 (and on PGlite), leaves the default (pglz) and says so.
 */
export function compressWithLz4(table: string, column: string, notice: string): string {
  return `DO $$
BEGIN
  ALTER TABLE ${table} ALTER COLUMN ${column} SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  RAISE NOTICE '${notice.replaceAll("'", "''")}';
END $$;`;
}
