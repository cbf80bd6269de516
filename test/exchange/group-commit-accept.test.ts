/**
 * Concurrent submissions share transactions (group commit) and still get the
 * answers they would get one by one: each accepted once with all its rows and
 * log entries, a resubmission answered with the first acceptance, a reused
 * DocumentId refused — without failing the others of the batch.
 */
import t from 'tap';
import { buildEdoc } from '../../src/edxml/build-edxml.js';
import { readEdxmlDocument } from '../../src/edxml/read-edxml.js';
import { startTestHub } from '../helpers/test-hub.js';
import { planNodes, recording, type Statement } from '../helpers/query-plans.js';

const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';
const H14 = '000.00.00.H14';

const doc = (documentId: string, subject: string): Buffer =>
  buildEdoc({ from: { organId: G22 }, to: [{ organId: H41 }, { organId: H14 }], documentId: `${G22},2026/11/29,${documentId}`, subject });

t.test('concurrent submissions: batched, each answered as if alone', async (t) => {
  const hub = await startTestHub();
  t.teardown(() => hub.close());
  await hub.setAgency(G22, { signaturePolicy: 'lenient' });
  const send = (b: Buffer) => hub.request(G22, 'POST', '/v1/messages', b);

  const distinct = Array.from({ length: 40 }, (_, i) => doc(`${i}/GC`, `Văn bản ${i}`));
  const same = doc('SAME/GC', 'Gửi năm lần');
  const reused = [doc('REUSED/GC', 'Bản một'), doc('REUSED/GC', 'Bản hai'), doc('REUSED/GC', 'Bản ba')];
  const answers = await Promise.all([...distinct, same, same, same, same, same, ...reused].map(send));

  t.same(answers.slice(0, 40).map((a) => a.status), Array(40).fill(202), 'every distinct document accepted');
  const sameAnswers = answers.slice(40, 45);
  t.same(sameAnswers.map((a) => a.status).sort(), [200, 200, 200, 200, 202], 'the same bytes five times: accepted once, the first answer four times');
  t.equal(new Set(sameAnswers.map((a) => a.json<{ id: string }>().id)).size, 1, 'one message id');
  const reusedAnswers = answers.slice(45);
  t.same(reusedAnswers.map((a) => a.status).sort(), [202, 409, 409], 'a DocumentId used for three different documents: one accepted, two conflicts');
  t.ok(reusedAnswers.filter((a) => a.status === 409).every((a) => a.json<{ error: { code: string } }>().error.code === 'exchange.document_id_conflict'));

  const db = hub.tdb.db;
  const counts = await db.query<{ messages: number; bodies: number; deliveries: number; accepted: number; listed: number; transactions: number }>(
    `SELECT (SELECT count(*) FROM messages)::int AS messages, (SELECT count(*) FROM message_bodies)::int AS bodies,
            (SELECT count(*) FROM deliveries)::int AS deliveries,
            (SELECT count(*) FROM audit_events WHERE type = 'message.accepted')::int AS accepted,
            (SELECT coalesce(sum(jsonb_array_length(data->'deliveries')), 0) FROM audit_events WHERE type = 'message.accepted')::int AS listed,
            (SELECT count(DISTINCT accepted_at) FROM messages)::int AS transactions`,
  );
  const c = counts.rows[0]!;
  t.same({ ...c, transactions: undefined }, { messages: 42, bodies: 42, deliveries: 84, accepted: 42, listed: 84, transactions: undefined }, 'each accepted message once, with its bytes, deliveries and log entries');
  t.ok(c.transactions < 42, `42 messages committed in ${c.transactions} transactions (group commit)`);
  const conflicts = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_events WHERE type = 'message.rejected' AND data->>'code' = 'exchange.document_id_conflict'");
  t.equal(conflicts.rows[0]!.n, 2, 'the two conflicts are logged as rejections');

  // Every delivery reaches its recipient once.
  const inbox = (await hub.request(H41, 'GET', '/v1/inbox?limit=1000')).json<{ entries: { message: { id: string } }[] }>().entries;
  const ids = await db.query<{ id: string }>('SELECT id FROM messages');
  t.same(inbox.map((e) => e.message.id).sort(), ids.rows.map((r) => r.id).sort(), 'one inbox entry per accepted message');
  const bytes = await hub.request(H41, 'GET', `/v1/messages/${inbox[7]!.message.id}`);
  t.ok(distinct.some((d) => d.equals(bytes.body)), 'the exact bytes of a batched message');
  const stored = await db.query<{ summary: unknown }>('SELECT summary FROM messages WHERE id = $1', [inbox[7]!.message.id]);
  const { message } = readEdxmlDocument(bytes.body, { maxBytes: 1 << 20, maxDepth: 64 });
  t.same(stored.rows[0]!.summary, JSON.parse(JSON.stringify(message)), "its stored summary is the reader's parse of those bytes");
});

t.test("a batch's prior check reads messages by index on a long history", async (t) => {
  const { createTestDatabase } = await import('../helpers/test-db.js');
  const { findPriors } = await import('../../src/store/message-repo.js');
  const tdb = await createTestDatabase();
  t.teardown(tdb.drop);
  await tdb.db.query(
    `INSERT INTO messages (id, kind, from_organ, recipients, document_id, sha256, size, signature, summary)
     SELECT gen_random_uuid(), 'edoc', '000.00.00.G' || lpad((g % 50)::text, 2, '0'), ARRAY['000.00.00.H41'], 'DOC-' || g, md5(g::text), 100, '{}', '{}'
       FROM generate_series(1, 50000) g`,
  );
  await tdb.db.query('ANALYZE messages');
  const seen: Statement[] = [];
  const keys = [1, 777, 49_999, ...Array.from({ length: 45 }, (_, i) => i * 1_100 + 7)].map((g) => ({
    from: `000.00.00.G${String(g % 50).padStart(2, '0')}`,
    kind: 'edoc' as const,
    documentId: `DOC-${g}`,
    sha256: 'x',
  }));
  const priors = await findPriors(recording(tdb.db, seen), keys);
  t.equal(priors.filter((p) => p.latestDocument).length, 48, 'each earlier document found');
  const plan = await planNodes(tdb.db, seen[0]!);
  t.notOk(plan.some((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'messages'), 'no sequential scan of messages');
  t.ok(plan.some((n) => n['Node Type'].includes('Index') && n['Relation Name'] === 'messages'), 'messages read by index');
});
