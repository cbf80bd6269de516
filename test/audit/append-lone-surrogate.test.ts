/**
 * A string with a lone UTF-16 surrogate (which a JSON request body can carry,
 * e.g. an acknowledgement's reason "\ud800") or a NUL is appended with U+FFFD
 * in its place: PostgreSQL's jsonb refuses the escape JSON.stringify writes,
 * which used to fail the state change the event belongs to with a raw
 * database error.
 */
import t from 'tap';
import { createTestDatabase } from '../helpers/test-db.js';
import { appendAuditEvent, appendAuditEvents } from '../../src/audit/append-event.js';
import { createAuditSealer } from '../../src/audit/sealer.js';
import { verifyAuditDatabase } from '../../src/audit/verify-database.js';
import { makeTestPki } from './fixtures/test-pki.js';

const pki = makeTestPki();
const tdb = await createTestDatabase();
t.teardown(tdb.drop);

t.test('an event whose data holds a lone surrogate is appended, with U+FFFD in its place', async (t) => {
  let err: unknown = null;
  let id = '';
  try {
    ({ id } = await appendAuditEvent(tdb.db, {
      type: 'delivery.failed',
      actor: '000.00.00.H41',
      organs: ['000.00.00.H41'],
      data: { result: 'fail', reason: 'bad \ud800 reason', ['k\udc00']: ['\udfff\ud83d\ude00\ud800', 'a\u0000b', '\\ud800 stays'] },
    }));
  } catch (e) {
    err = e;
  }
  t.equal(err, null, `append failed: ${String(err)}`);
  if (err !== null) return;
  const r = await tdb.db.query<{ data: Record<string, unknown> }>('SELECT data FROM audit_events WHERE id = $1', [id]);
  t.same(r.rows[0]!.data, { result: 'fail', reason: 'bad \ufffd reason', ['k\ufffd']: ['\ufffd\ud83d\ude00\ufffd', 'a\ufffdb', '\\ud800 stays'] });
});

t.test('the other events of the statement and the chain are unaffected', async (t) => {
  const ids = await appendAuditEvents(tdb.db, [
    { type: 'message.rejected', actor: '000.00.00.G22\ud800', organs: ['000.00.00.G22'], messageId: 'm-\udbff', data: {} },
    { type: 'message.rejected', actor: '000.00.00.G22', organs: ['000.00.00.G22'], data: { note: 'Công văn 😀' } },
  ]);
  t.equal(ids.length, 2);
  const r = await tdb.db.query<{ actor: string; message_id: string | null; data: Record<string, unknown> }>(
    'SELECT actor, message_id, data FROM audit_events WHERE id = ANY($1::bigint[]) ORDER BY id',
    [ids.map((i) => i.id)],
  );
  t.same(
    r.rows.map((x) => [x.actor, x.message_id, x.data]),
    [
      ['000.00.00.G22\ufffd', 'm-\ufffd', {}],
      ['000.00.00.G22', null, { note: 'Công văn 😀' }],
    ],
  );
  const sealer = createAuditSealer({ db: tdb.db, signer: pki.signer, checkpointIntervalMs: 3_600_000, checkpointEveryEntries: 100 });
  await sealer.sealOnce();
  await sealer.checkpointNow();
  const report = await verifyAuditDatabase(tdb.db, { caCertPem: pki.caCertPem, threads: 1 });
  t.equal(report.ok, true, JSON.stringify(report.firstFailure));
});
