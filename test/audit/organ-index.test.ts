import t from 'tap';
import { createTestDatabase } from '../helpers/test-db.js';
import { appendAuditEvents } from '../../src/audit/append-event.js';
import { queryAuditEvents } from '../../src/audit/query-events.js';
import { exportAuditEvents } from '../../src/audit/export-events.js';
import { createAuditSealer } from '../../src/audit/sealer.js';
import { migrate } from '../../src/store/migrate.js';
import { migrations } from '../../src/store/migrations/index.js';
import { makeTestPki } from './fixtures/test-pki.js';

const X = '000.00.00.G22';
const Y = '000.00.00.H41';
const Z = '000.00.00.H14';

/** Every event id agency `organ` sees, page by page (`limit` per page). */
async function walk(db: Parameters<typeof queryAuditEvents>[0], organ: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  for (let i = 0; i < 100; i++) {
    const page = await queryAuditEvents(db, { kind: 'agency', organId: organ }, {}, { limit, ...(after ? { after } : {}) });
    ids.push(...page.events.map((e) => e.id));
    if (!page.next) return ids;
    after = page.next;
  }
  throw new Error('pagination does not end');
}

t.test('one append statement: one agency index row per agency, listing its events, all at one time', async (t) => {
  const tdb = await createTestDatabase();
  t.teardown(tdb.drop);
  const rows = await tdb.db.tx((q) =>
    appendAuditEvents(q, [
      { type: 'message.accepted', actor: X, organs: [X, Y, Z], messageId: 'm1' },
      { type: 'delivery.queued', actor: 'hub', organs: [X, Y], messageId: 'm1', deliveryId: 'd1' },
      { type: 'delivery.queued', actor: 'hub', organs: [X, Z], messageId: 'm1', deliveryId: 'd2' },
    ]),
  );
  const ids = rows.map((r) => r.id);
  const idx = await tdb.db.query<{ organ: string; event_ids: string[]; same_at: boolean }>(
    `SELECT o.organ, o.event_ids::text[] AS event_ids, bool_and(e.at = o.at) AS same_at
     FROM audit_event_organs o JOIN audit_events e ON e.id = ANY(o.event_ids) GROUP BY o.organ, o.event_ids ORDER BY o.organ`,
  );
  t.same(
    idx.rows.map((r) => [r.organ, r.event_ids]),
    [
      [X, ids],
      [Z, [ids[0], ids[2]]],
      [Y, [ids[0], ids[1]]],
    ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
  );
  t.ok(idx.rows.every((r) => r.same_at), 'every listed event has the row time');
  t.same(await walk(tdb.db, Y, 1), [ids[0], ids[1]], 'Y sees only its events');
});

t.test('agency pages follow (time, id) across index rows with equal times and interleaved ids', async (t) => {
  const tdb = await createTestDatabase();
  t.teardown(tdb.drop);
  const at = '2026-03-01T08:00:00.000Z';
  // Two statements in the same millisecond whose ids interleave (as concurrent writers give), then a later one.
  const ev = await tdb.db.query<{ id: string }>(
    `INSERT INTO audit_events (at, type, actor, organs) SELECT $1::timestamptz + (CASE WHEN g > 4 THEN interval '1 ms' ELSE interval '0' END),
       'message.accepted', 'hub', ARRAY[$2] FROM generate_series(1, 6) g RETURNING id::text`,
    [at, X],
  );
  const [e1, e2, e3, e4, e5, e6] = ev.rows.map((r) => r.id);
  await tdb.db.query(
    `INSERT INTO audit_event_organs (organ, at, event_id, event_ids) VALUES
       ($1, $2, $3, ARRAY[$3, $5]::bigint[]), ($1, $2, $4, ARRAY[$4, $6]::bigint[]), ($1, $2::timestamptz + interval '1 ms', $7, ARRAY[$7, $8]::bigint[])`,
    [X, at, e1, e2, e3, e4, e5, e6],
  );
  for (const limit of [1, 2, 3, 100]) t.same(await walk(tdb.db, X, limit), [e1, e2, e3, e4, e5, e6], `pages of ${limit}`);
  const pki = makeTestPki();
  await tdb.db.query('INSERT INTO audit_pending (event_id) SELECT id FROM audit_events');
  await createAuditSealer({ db: tdb.db, signer: pki.signer, checkpointIntervalMs: 3_600_000, checkpointEveryEntries: 1000 }).sealOnce();
  let lines = 0;
  for await (const chunk of exportAuditEvents(tdb.db, { kind: 'agency', organId: X }, {}, { format: 'ndjson' })) lines += chunk.split('\n').length - 1;
  t.ok(lines >= 6, `the agency export finds them through the index (${lines} lines)`);
});

t.test('migration 004 lists the one event of each existing index row', async (t) => {
  const tdb = await createTestDatabase({ migrate: false });
  t.teardown(tdb.drop);
  const before = migrations.filter((m) => m.id < '004');
  await migrate(tdb.db, before);
  const ev = await tdb.db.query<{ id: string }>(
    "INSERT INTO audit_events (type, actor, organs) VALUES ('message.accepted', 'hub', ARRAY[$1, $2]) RETURNING id::text",
    [X, Y],
  );
  const id = ev.rows[0]!.id;
  await tdb.db.query('INSERT INTO audit_event_organs (organ, at, event_id) SELECT o, e.at, e.id FROM audit_events e, unnest(e.organs) o');
  await migrate(tdb.db, migrations);
  const rows = await tdb.db.query<{ n: string }>('SELECT count(*) AS n FROM audit_event_organs WHERE event_ids = ARRAY[event_id]');
  t.equal(rows.rows[0]!.n, '2');
  t.same(await walk(tdb.db, Y, 10), [id]);
  await t.rejects(tdb.db.query('UPDATE audit_event_organs SET event_ids = event_ids'), /append-only/, 'append-only again after the migration');
});
