import t from 'tap';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createTestDatabase } from '../helpers/test-db.js';
import { migrate } from '../../src/store/migrate.js';
import { migrations } from '../../src/store/migrations/index.js';
import { isHubError } from '../../src/shared/hub-error.js';

const child = fileURLToPath(new URL('./fixtures/migrate-child.ts', import.meta.url));

function runChild(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, url], { stdio: ['ignore', 'inherit', 'inherit'] });
    p.on('error', reject);
    p.on('exit', (code) => resolve(code ?? -1));
  });
}

t.test('migrations are recorded once and re-running applies nothing', async (t) => {
  const tdb = await createTestDatabase();
  t.teardown(tdb.drop);
  const applied = await tdb.db.query<{ id: string }>('SELECT id FROM schema_migrations ORDER BY id');
  t.same(applied.rows.map((r) => r.id), migrations.map((m) => m.id));
  t.same(await migrate(tdb.db, migrations), [], 'second run is a no-op');
  const tables = await tdb.db.query<{ n: string }>(
    "SELECT count(*) AS n FROM information_schema.tables WHERE table_name IN ('audit_events','audit_chain','audit_checkpoints')",
  );
  t.equal(tables.rows[0]!.n, '3');
});

t.test('document bytes are stored with LZ4 where the server has it', async (t) => {
  const tdb = await createTestDatabase();
  t.teardown(tdb.drop);
  const col = await tdb.db.query<{ c: string }>("SELECT attcompression AS c FROM pg_attribute WHERE attrelid = 'message_bodies'::regclass AND attname = 'bytes'");
  t.equal(col.rows[0]!.c, 'l', 'the column compresses with lz4 (Debian builds PostgreSQL with it)');
  // Only the column matters here: a body row without its message, in a transaction rolled back.
  await tdb.db
    .tx(async (q) => {
      await q.query('ALTER TABLE message_bodies DROP CONSTRAINT message_bodies_message_id_fkey');
      await q.query("INSERT INTO message_bodies (message_id, bytes) VALUES (gen_random_uuid(), convert_to(repeat('<Subject>Văn bản</Subject>', 500), 'UTF8'))");
      const stored = await q.query<{ c: string | null }>('SELECT pg_column_compression(bytes) AS c FROM message_bodies');
      t.equal(stored.rows[0]!.c, 'lz4', 'a 10 KB body is stored compressed with lz4');
      throw new Error('rollback');
    })
    .catch((e: unknown) => t.equal((e as Error).message, 'rollback'));
});

t.test("the log's data is stored with LZ4 where the server has it", async (t) => {
  const tdb = await createTestDatabase();
  t.teardown(tdb.drop);
  const col = await tdb.db.query<{ c: string }>("SELECT attcompression AS c FROM pg_attribute WHERE attrelid = 'audit_events'::regclass AND attname = 'data'");
  t.equal(col.rows[0]!.c, 'l', 'the column compresses with lz4');
  // An entry listing a page of 200 deliveries, in a transaction rolled back (the log is append-only).
  await tdb.db
    .tx(async (q) => {
      await q.query(
        `INSERT INTO audit_events (at, type, actor, organs, data)
         SELECT now(), 'deliveries.fetched', 'test', ARRAY['test'],
                jsonb_build_object('deliveries', (SELECT jsonb_agg(jsonb_build_object('deliveryId', gen_random_uuid(), 'messageId', gen_random_uuid())) FROM generate_series(1, 200)))`,
      );
      const stored = await q.query<{ c: string | null }>("SELECT pg_column_compression(data) AS c FROM audit_events WHERE actor = 'test'");
      t.equal(stored.rows[0]!.c, 'lz4', 'a page-sized entry is stored compressed with lz4');
      throw new Error('rollback');
    })
    .catch((e: unknown) => t.equal((e as Error).message, 'rollback'));
});

t.test('several processes migrating one empty database at once', async (t) => {
  const tdb = await createTestDatabase({ migrate: false });
  t.teardown(tdb.drop);
  const codes = await Promise.all([runChild(tdb.url), runChild(tdb.url), runChild(tdb.url)]);
  t.same(codes, [0, 0, 0], 'every process starts');
  const applied = await tdb.db.query<{ id: string }>('SELECT id FROM schema_migrations ORDER BY id');
  t.same(applied.rows.map((r) => r.id), migrations.map((m) => m.id), 'each migration recorded exactly once');
});

t.test('a failing migration rolls back and says which', async (t) => {
  const tdb = await createTestDatabase();
  t.teardown(tdb.drop);
  const bad = [...migrations, { id: '999-bad', sql: 'CREATE TABLE zz (a int); SELECT nonsense_fn();' }];
  const err = await migrate(tdb.db, bad).then(
    () => null,
    (e: unknown) => e,
  );
  t.ok(isHubError(err) && err.code === 'store.migration_failed' && err.message.includes('999-bad'));
  const zz = await tdb.db.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'zz'");
  t.equal(zz.rowCount, 0, 'partial DDL rolled back');
  await t.rejects(migrate(tdb.db, [{ id: 'bad id', sql: '' }]), { code: 'store.migration_invalid' });
});
