import t, { type Test } from 'tap';
import { randomUUID } from 'node:crypto';
import { changeAndAppendAuditEvents } from '../../src/audit/append-event.js';
import { openDb } from '../../src/store/open-db.js';
import type { Db } from '../../src/store/db.js';
import { createTestDatabase } from '../helpers/test-db.js';

async function exercise(t: Test, db: Db): Promise<void> {
  await db.query('CREATE TABLE IF NOT EXISTS flags (id uuid PRIMARY KEY, state text NOT NULL)');
  const id = randomUUID();
  await db.query("INSERT INTO flags VALUES ($1, 'open')", [id]);
  const guard = { name: 'flag_close', sql: "UPDATE flags SET state = 'closed' WHERE id = $1 AND state = 'open' RETURNING id", params: [id] };
  const event = { type: 'delivery.fetched' as const, actor: 'A1', organs: ['A1', 'B2'], deliveryId: id, data: { n: 1 } };
  t.equal(await changeAndAppendAuditEvents(db, guard, [event]), true, 'the change happened');
  t.equal(await changeAndAppendAuditEvents(db, guard, [event]), false, 'the second time nothing changes');
  const events = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM audit_events WHERE delivery_id = $1', [id]);
  t.equal(events.rows[0]!.n, '1', 'one event: logged only with the change');
  const pending = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM audit_pending p JOIN audit_events e ON e.id = p.event_id WHERE e.delivery_id = $1', [id]);
  t.equal(pending.rows[0]!.n, '1', 'queued for the sealer');
  const organs = await db.query<{ organ: string }>('SELECT organ FROM audit_event_organs o JOIN audit_events e ON e.id = ANY(o.event_ids) WHERE e.delivery_id = $1 ORDER BY organ', [id]);
  t.same(organs.rows.map((r) => r.organ), ['A1', 'B2'], 'indexed by agency');
}

t.test('a state change and its log event in one statement (PostgreSQL)', async (t) => {
  const tdb = await createTestDatabase();
  t.teardown(tdb.drop);
  await exercise(t, tdb.db);
});

t.test('the same on the embedded database', async (t) => {
  const db = await openDb({ databaseUrl: null, dataDir: null });
  t.teardown(() => db.close());
  await exercise(t, db);
});
