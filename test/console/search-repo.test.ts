/**
 * The console's searches on 100,000 sent documents: keyset pages that neither
 * overlap nor skip, every filter, and query plans that read the first page from
 * an index in order (no scan of the whole table, no sort of it).
 */
import t from 'tap';
import { createTestDatabase } from '../helpers/test-db.js';
import { importDirectory } from '../../src/store/agency-repo.js';
import { loadDirectoryFile } from '../../src/directory/load-directory-file.js';
import { planNodes, recording, type Statement } from '../helpers/query-plans.js';
import { overdueCandidates, searchReceived, searchSent } from '../../src/store/search-repo.js';

const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';
const H14 = '000.00.00.H14';
const N = 100_000;

t.test('search on 100,000 sent documents', async (t) => {
  const tdb = await createTestDatabase();
  t.teardown(tdb.drop);
  const db = tdb.db;
  await db.tx(async (q) => importDirectory(q, await loadDirectoryFile()));
  // Every 10th document also goes to Cao Bằng; subjects and codes are numbered; one per minute back from now.
  await db.query(
    `INSERT INTO messages (id, kind, from_organ, recipients, document_id, sha256, size, subject, code_number, code_notation, priority, signature, summary, accepted_at)
     SELECT gen_random_uuid(), 'edoc', $1, CASE WHEN i % 10 = 0 THEN ARRAY[$2, $3] ELSE ARRAY[$2] END,
            'DOC-' || i, md5(i::text), 100, 'Công văn số ' || i || CASE WHEN i % 1000 = 0 THEN ' về chuyển đổi số' ELSE '' END,
            i::text, 'VPCP-TTĐT', 0, '{"status":"missing"}', '{}', now() - ((${N} - i) || ' minutes')::interval
       FROM generate_series(1, ${N}) AS i`,
    [G22, H41, H14],
  );
  await db.query(
    `INSERT INTO deliveries (id, message_id, recipient, mode, state)
     SELECT gen_random_uuid(), m.id, r, 'pull', 'available' FROM messages m, unnest(m.recipients) AS r ORDER BY m.seq`,
  );
  await db.query('ANALYZE messages');
  await db.query('ANALYZE deliveries');
  // What the repository ran, to EXPLAIN exactly that.
  const seen: Statement[] = [];
  const rec = recording(db, seen);

  const started = process.hrtime.bigint();
  const first = await searchSent(rec, G22, {}, null, 25);
  // Reported, not asserted (no timing assertions in tests).
  t.comment(`first page of ${N} sent documents: ${Number(process.hrtime.bigint() - started) / 1e6} ms`);
  t.equal(first.rows.length, 25);
  t.equal(first.rows[0]!.document_id, `DOC-${N}`, 'newest first');
  const firstPlan = await planNodes(db, seen.at(-1)!);
  t.comment(`first page plan: ${firstPlan.map((n) => `${n['Node Type']}${n['Index Name'] ? ` (${n['Index Name']})` : ''}`).join(' > ')}`);
  t.notOk(firstPlan.some((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'messages'), 'first page: no sequential scan of messages');
  t.notOk(firstPlan.some((n) => n['Node Type'] === 'Sort'), 'first page: rows come in index order, nothing sorted');
  t.ok(firstPlan.some((n) => n['Node Type'].startsWith('Index') && n['Relation Name'] === 'messages'), 'first page read from an index of messages');
  const second = await searchSent(db, G22, {}, first.next, 25);
  t.equal(second.rows[0]!.document_id, `DOC-${N - 25}`, 'the next page continues exactly after the first');
  t.notOk(second.rows.some((r) => first.rows.some((f) => f.id === r.id)), 'no overlap');

  t.same((await searchSent(db, G22, { documentId: 'DOC-777' }, null, 25)).rows.map((r) => r.document_id), ['DOC-777'], 'by DocumentId');
  t.same((await searchSent(db, G22, { code: '94242/VPCP' }, null, 25)).rows.map((r) => r.document_id), ['DOC-94242'], 'by number/notation');
  t.equal((await searchSent(db, G22, { subject: 'CHUYỂN ĐỔI SỐ' }, null, 1000)).rows.length, 100, 'by subject, case-insensitive');
  t.equal((await searchSent(db, G22, { subject: '100%' }, null, 1000)).rows.length, 0, 'LIKE wildcards are literal');
  const toH14 = await searchSent(rec, G22, { counterpart: H14 }, null, 25);
  t.ok(toH14.rows.every((r) => r.recipients.includes(H14)) && toH14.rows.length === 25, 'by recipient');
  const since = new Date(Date.now() - 30 * 60_000);
  t.equal((await searchSent(db, G22, { from: since }, null, 1000)).rows.length, 30, 'by date range (from)');
  t.equal((await searchSent(db, G22, { from: since, to: new Date(Date.now() - 10 * 60_000) }, null, 1000)).rows.length, 20, 'by date range (from, to)');
  t.equal((await searchSent(db, H41, {}, null, 25)).rows.length, 0, "another agency's sent list is its own");

  const inbox = await searchReceived(rec, H14, {}, null, 25);
  t.equal(inbox.rows.length, 25);
  t.equal(inbox.rows[0]!.message.document_id, `DOC-${N}`, 'received: newest first');
  const inboxPlan = await planNodes(db, seen.at(-1)!);
  t.notOk(inboxPlan.some((n) => n['Node Type'] === 'Seq Scan'), 'received first page: no sequential scan');
  t.notOk(inboxPlan.some((n) => n['Node Type'] === 'Sort'), 'received first page: nothing sorted');
  const page2 = await searchReceived(db, H14, {}, inbox.next, 25);
  t.equal(page2.rows[0]!.message.document_id, `DOC-${N - 250}`, 'received: keyset continues');
  t.same((await searchReceived(db, H41, { counterpart: H14 }, null, 25)).rows, [], 'received: by sender');

  const overdue = await overdueCandidates(db, G22, 'sent', new Date(Date.now() - 60 * 60_000), 100);
  t.equal(overdue.length, 60, 'overdue candidates: the window bounds them');
  await db.query(
    `INSERT INTO messages (id, kind, from_organ, recipients, document_id, sha256, size, signature, summary, status_code)
     VALUES ('00000000-0000-4000-8000-000000000001', 'status', $1, ARRAY[$2], 'DOC-${N}', 'x', 1, '{}', '{}', '06')`,
    [H41, G22],
  );
  await db.query(
    `INSERT INTO business_statuses (document_message_id, reporter, status_code, status_message_id)
     SELECT id, $1, '06', '00000000-0000-4000-8000-000000000001' FROM messages WHERE document_id = 'DOC-${N}' AND kind = 'edoc'`,
    [H41],
  );
  const after = await overdueCandidates(db, H41, 'received', new Date(Date.now() - 60 * 60_000), 100);
  t.equal(after.length, 59, 'a completed (06) copy is no longer a candidate');
});
