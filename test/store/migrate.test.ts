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

/** Columns compressed with LZ4 (migrations 006 and 010), each with a value written as the hub writes it. */
const LZ4_COLUMNS = [
  {
    what: 'document bytes',
    table: 'message_bodies',
    column: 'bytes',
    // Only the column matters here: a body row without its message.
    before: 'ALTER TABLE message_bodies DROP CONSTRAINT message_bodies_message_id_fkey',
    insert: "INSERT INTO message_bodies (message_id, bytes) VALUES (gen_random_uuid(), convert_to(repeat('<Subject>Văn bản</Subject>', 500), 'UTF8'))",
    value: 'a 10 KB body',
  },
  {
    what: "the log's data",
    table: 'audit_events',
    column: 'data',
    before: null,
    insert: `INSERT INTO audit_events (at, type, actor, organs, data)
             SELECT now(), 'deliveries.fetched', 'test', ARRAY['test'],
                    jsonb_build_object('deliveries', (SELECT jsonb_agg(jsonb_build_object('deliveryId', gen_random_uuid(), 'messageId', gen_random_uuid())) FROM generate_series(1, 200)))`,
    value: 'an entry listing a page of 200 deliveries',
  },
];

for (const c of LZ4_COLUMNS) {
  t.test(`${c.what} are stored with LZ4 where the server has it`, async (t) => {
    const tdb = await createTestDatabase();
    t.teardown(tdb.drop);
    const col = await tdb.db.query<{ c: string }>('SELECT attcompression AS c FROM pg_attribute WHERE attrelid = $1::regclass AND attname = $2', [c.table, c.column]);
    t.equal(col.rows[0]!.c, 'l', 'the column compresses with lz4 (Debian builds PostgreSQL with it)');
    // In a transaction rolled back (the log is append-only).
    await tdb.db
      .tx(async (q) => {
        if (c.before) await q.query(c.before);
        await q.query(c.insert);
        const stored = await q.query<{ c: string | null }>(`SELECT pg_column_compression(${c.column}) AS c FROM ${c.table}`);
        t.same(stored.rows, [{ c: 'lz4' }], `${c.value} is stored compressed with lz4`);
        throw new Error('rollback');
      })
      .catch((e: unknown) => t.equal((e as Error).message, 'rollback'));
  });
}

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
