import t from 'tap';
import pg from 'pg';
import { pino } from 'pino';
import type { Db } from '../../src/store/db.js';
import { createPgDb } from '../../src/store/pg-db.js';
import { flushAfterFromEnv } from '../../src/store/open-db.js';
import { createTestDatabase } from '../helpers/test-db.js';

// pg 8 warns (once per process) where pg 9 will refuse: e.g. a query sent on a connection
// still running another. Collected over the whole file and checked by its last test.
const pgWarnings: string[] = [];
process.on('warning', (w) => {
  if (w.message.includes('pg@9')) pgWarnings.push(w.message);
});

t.test('PostgreSQL db: value conventions, commit and rollback', async (t) => {
  const tdb = await createTestDatabase();
  t.teardown(tdb.drop);
  const { db } = tdb;
  t.equal(db.kind, 'postgres');

  const r = await db.query<{ big: string; num: string; ts: Date; arr: string[]; j: { a: number } }>(
    `SELECT 9007199254740993::bigint AS big, 1.50::numeric AS num, '2024-01-02T03:04:05.678Z'::timestamptz AS ts,
            ARRAY['a','b']::text[] AS arr, $1::jsonb AS j`,
    [JSON.stringify({ a: 1 })],
  );
  const row = r.rows[0]!;
  t.equal(row.big, '9007199254740993', 'bigint as exact string');
  t.equal(row.num, '1.50', 'numeric as string');
  t.ok(row.ts instanceof Date);
  t.equal(row.ts.toISOString(), '2024-01-02T03:04:05.678Z');
  t.same(row.arr, ['a', 'b']);
  t.same(row.j, { a: 1 });

  await db.query('CREATE TABLE t1 (v int)');
  await db.tx(async (q) => {
    await q.query('INSERT INTO t1 VALUES ($1)', [1]);
  });
  await t.rejects(
    db.tx(async (q) => {
      await q.query('INSERT INTO t1 VALUES ($1)', [2]);
      throw new Error('forced');
    }),
    /forced/,
  );
  const rows = await db.query<{ v: number }>('SELECT v FROM t1 ORDER BY v');
  t.same(rows.rows.map((x) => x.v), [1], 'rolled-back insert is gone');
  t.equal(rows.rowCount, 1);
});

t.test('a "-- prepared: name" statement is a named prepared statement, same results', async (t) => {
  const tdb = await createTestDatabase();
  t.teardown(tdb.drop);
  const sql = '-- prepared: test_add\nSELECT $1::int + $2::int AS s';
  for (let i = 0; i < 3; i++) {
    const r = await tdb.db.query<{ s: number }>(sql, [i, 1]);
    t.equal(r.rows[0]!.s, i + 1);
  }
  await tdb.db.tx(async (q) => {
    t.equal((await q.query<{ s: number }>(sql, [5, 5])).rows[0]!.s, 10);
    const names = await q.query<{ name: string }>('SELECT name FROM pg_prepared_statements');
    t.ok(names.rows.some((r) => r.name === 'test_add'), 'prepared on the connection');
  });
});

t.test('tx({ locks }): transactions with the same key run one after the other, other keys do not wait', async (t) => {
  const { advisoryKey } = await import('../../src/store/advisory-key.js');
  const tdb = await createTestDatabase();
  t.teardown(tdb.drop);
  const { db } = tdb;
  t.equal(advisoryKey('a', 'b'), advisoryKey('a', 'b'));
  t.not(advisoryKey('a', 'b'), advisoryKey('ab', ''), 'parts are kept apart');
  const order: string[] = [];
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const first = db.tx(async (q) => {
    order.push('first in');
    await q.query('SELECT 1');
    await held;
    order.push('first out');
  }, { locks: [advisoryKey('k', '1')] });
  await new Promise((r) => setTimeout(r, 100));
  const other = db.tx(async () => void order.push('other key'), { locks: [advisoryKey('k', '2')] });
  const second = db.tx(async () => void order.push('second in'), { locks: [advisoryKey('k', '1')] });
  await other;
  await new Promise((r) => setTimeout(r, 200));
  t.same(order, ['first in', 'other key'], 'the same key waits; another key does not');
  release();
  await Promise.all([first, second]);
  t.same(order, ['first in', 'other key', 'first out', 'second in']);
});

t.test('tx({ locks }) takes several keys in ascending order, so crossed key lists do not deadlock', async (t) => {
  const { beginSql } = await import('../../src/store/db.js');
  t.equal(beginSql({ locks: [3n, -1n, 3n] }), 'BEGIN; SELECT pg_advisory_xact_lock(-1); SELECT pg_advisory_xact_lock(3)', 'sorted, each key once');
  t.equal(beginSql(), 'BEGIN');
  t.equal(beginSql({ byKey: true, locks: [5n] }), 'BEGIN; SET LOCAL enable_seqscan = off; SELECT pg_advisory_xact_lock(5)', 'byKey: set before the locks');
  const tdb = await createTestDatabase();
  t.teardown(tdb.drop);
  const { db } = tdb;
  // Many pairs of transactions taking the same two keys listed in opposite orders: all finish.
  const runs = Array.from({ length: 20 }, (_, i) =>
    db.tx(async (q) => void (await q.query('SELECT pg_sleep(0.005)')), { locks: i % 2 === 0 ? [11n, 22n] : [22n, 11n] }),
  );
  await Promise.all(runs);
  t.pass('no deadlock');
});

t.test('tx({ first }): a literal statement in BEGIN\'s round trip, read after the locks', async (t) => {
  const { sqlLiteral } = await import('../../src/store/db.js');
  const tdb = await createTestDatabase();
  t.teardown(tdb.drop);
  const { db } = tdb;
  const nasty = "it's a \\ back'slash'); DROP TABLE messages; -- Văn bản \\x41 E'x'";
  const rows = await db.tx(async (_q, found) => found, { locks: [5n], first: `SELECT ${sqlLiteral(nasty)} AS s, 2 AS n` });
  t.same(rows, [{ s: nasty, n: 2 }], 'any text comes back as it went in');
  t.same(await db.tx(async (_q, found) => found), [], 'no first statement: no rows');

  // A transaction holding the lock commits a row while another waits for it: the waiter's first statement sees the row.
  await db.query('CREATE TABLE seen (n int)');
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const holder = db.tx(async (q) => {
    await q.query('INSERT INTO seen VALUES (1)');
    await held;
  }, { locks: [9n] });
  await new Promise((r) => setTimeout(r, 100));
  const waiter = db.tx(async (_q, found) => found, { locks: [9n], first: 'SELECT count(*)::int AS n FROM seen' });
  await new Promise((r) => setTimeout(r, 100));
  release();
  await holder;
  t.same(await waiter, [{ n: 1 }], 'the row committed while it waited for the lock');

  await t.rejects(db.tx(async () => undefined, { first: 'SELECT no_such_column FROM seen' }), /no_such_column/);
  t.same((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM seen')).rows, [{ n: 1 }], 'the pool still works after a failed first statement');
});

t.test('backend_flush_after: set on every session of the pool (default 256kB), or left to the server', async (t) => {
  const tdb = await createTestDatabase();
  t.teardown(tdb.drop);
  const show = async (db: Db): Promise<string[]> => [
    (await db.query<{ v: string }>('SELECT current_setting($1) AS v', ['backend_flush_after'])).rows[0]!.v,
    await db.tx(async (q) => (await q.query<{ v: string }>('SELECT current_setting($1) AS v', ['backend_flush_after'])).rows[0]!.v),
  ];

  // The server's own setting, read on a plain connection; the pool is given a value no server would have.
  const plain = new pg.Client({ connectionString: tdb.url });
  await plain.connect();
  const server = (await plain.query<{ v: string }>("SELECT current_setting('backend_flush_after') AS v")).rows[0]!.v;
  await plain.end();
  t.not(server, '264kB');

  const set = createPgDb({ url: tdb.url, poolSize: 3, flushAfter: '264kB' });
  t.teardown(() => set.close());
  // Several sessions at once, so more than one connection is opened.
  const seen = await Promise.all([show(set), show(set), show(set)]);
  t.same(seen.flat(), Array(6).fill('264kB'), 'every query and transaction of every connection runs with it');

  const unset = createPgDb({ url: tdb.url, poolSize: 1 });
  t.teardown(() => unset.close());
  t.same(await show(unset), [server, server], 'without it, the server setting');

  const lines: { msg: string }[] = [];
  const log = pino({ level: 'warn' }, { write: (s: string) => void lines.push(JSON.parse(s) as { msg: string }) });
  const refused = createPgDb({ url: tdb.url, poolSize: 1, flushAfter: '4MB', log });
  t.teardown(() => refused.close());
  t.same((await refused.query<{ n: number }>('SELECT 1 AS n')).rows, [{ n: 1 }], 'a value the server refuses does not stop the pool');
  t.match(lines, [{ msg: /could not set backend_flush_after/ }], 'and is logged');

  t.equal(flushAfterFromEnv(undefined), '256kB');
  t.equal(flushAfterFromEnv(''), '256kB');
  t.equal(flushAfterFromEnv('server'), undefined);
  t.equal(flushAfterFromEnv('1MB'), '1MB');
  t.equal(flushAfterFromEnv('0'), '0');
  t.equal(flushAfterFromEnv('8kB'), '8kB', 'the smallest: one page');
  for (const bad of ['512', '4MB', '256 kB', '-8kB', 'off', '4kB']) t.throws(() => flushAfterFromEnv(bad), { code: 'config.invalid' }, `"${bad}" is refused`);
});

t.test("a pooled connection left unused past pg's default 10 s is kept: the next query runs on the same server process", async (t) => {
  const tdb = await createTestDatabase();
  t.teardown(tdb.drop);
  const db = createPgDb({ url: tdb.url, poolSize: 1 });
  t.teardown(() => db.close());
  const backend = async (): Promise<number> => (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  const first = await backend();
  await new Promise((r) => setTimeout(r, 11_000));
  t.equal(await backend(), first, 'no new server process (with pg\'s default the pool would have closed it and opened another)');
});

t.test('pg gave no pg@9 deprecation warning: no query went to a connection still running another', async (t) => {
  await new Promise((r) => setImmediate(r)); // warnings are emitted on a later tick
  t.same(pgWarnings, []);
});
