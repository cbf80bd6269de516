import t from 'tap';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDb } from '../../src/store/open-db.js';
import { migrations } from '../../src/store/migrations/index.js';

t.test('embedded PGlite: same migrations, conventions, rollback, persistence', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'edoc-pglite-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  let db = await openDb({ databaseUrl: null, dataDir: dir });
  t.equal(db.kind, 'pglite');
  const applied = await db.query<{ id: string }>('SELECT id FROM schema_migrations ORDER BY id');
  t.same(applied.rows.map((r) => r.id), migrations.map((m) => m.id));

  const r = await db.query<{ big: string; num: string; ts: Date; arr: string[] }>(
    `SELECT 9007199254740993::bigint AS big, 1.50::numeric AS num, '2024-01-02T03:04:05.678Z'::timestamptz AS ts,
            $1::text[] AS arr`,
    [['a', 'b']],
  );
  const row = r.rows[0]!;
  t.equal(row.big, '9007199254740993');
  t.equal(row.num, '1.50');
  t.ok(row.ts instanceof Date);
  t.equal(row.ts.toISOString(), '2024-01-02T03:04:05.678Z');
  t.same(row.arr, ['a', 'b']);

  await db.query('CREATE TABLE t1 (v int)');
  // Concurrent transactions and plain queries are serialised, never interleaved.
  await Promise.all([
    db.tx(async (q) => {
      await q.query('INSERT INTO t1 VALUES ($1)', [1]);
      await new Promise((res) => setTimeout(res, 20));
      await q.query('INSERT INTO t1 VALUES ($1)', [2]);
    }),
    t.rejects(
      db.tx(async (q) => {
        await q.query('INSERT INTO t1 VALUES ($1)', [3]);
        throw new Error('forced');
      }),
      /forced/,
    ),
    db.query('INSERT INTO t1 VALUES ($1)', [4]),
  ]);
  const rows = await db.query<{ v: number }>('SELECT v FROM t1 ORDER BY v');
  t.same(rows.rows.map((x) => x.v), [1, 2, 4]);
  await db.close();

  db = await openDb({ databaseUrl: null, dataDir: dir });
  const again = await db.query<{ n: string }>('SELECT count(*) AS n FROM t1');
  t.equal(again.rows[0]!.n, '3', 'data persisted under dataDir/pgdata');
  await db.close();
});

t.test('embedded PGlite: rowCount counts selected and changed rows', async (t) => {
  const db = await openDb({ databaseUrl: null, dataDir: null, migrations: [] });
  t.teardown(() => db.close());
  await db.query('CREATE TABLE t2 (v int)');
  t.equal((await db.query('INSERT INTO t2 SELECT generate_series(1, $1::int)', [3])).rowCount, 3);
  t.equal((await db.query('SELECT * FROM t2 WHERE v > $1', [1])).rowCount, 2);
  t.equal((await db.query('SELECT * FROM t2')).rowCount, 3);
});

t.test('embedded PGlite: tx({ first }) hands the rows of a literal statement run with BEGIN', async (t) => {
  const { sqlLiteral } = await import('../../src/store/db.js');
  const db = await openDb({ databaseUrl: null, dataDir: null, migrations: [] });
  t.teardown(() => db.close());
  const nasty = "it's a \\ back'slash'); -- Văn bản";
  t.same(await db.tx(async (_q, found) => found, { locks: [5n], first: `SELECT ${sqlLiteral(nasty)} AS s, 2::bigint AS n` }), [{ s: nasty, n: '2' }]);
  await t.rejects(db.tx(async () => undefined, { first: 'SELECT no_such_column' }), /no_such_column/);
  t.same((await db.query('SELECT 1 AS one')).rows, [{ one: 1 }], 'rolled back: the database still answers');
});
