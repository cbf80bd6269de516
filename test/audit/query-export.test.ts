import t from 'tap';
import { Readable } from 'node:stream';
import { createTestDatabase } from '../helpers/test-db.js';
import { appendAuditEvent } from '../../src/audit/append-event.js';
import { createAuditSealer } from '../../src/audit/sealer.js';
import { queryAuditEvents, type AuditEventView } from '../../src/audit/query-events.js';
import { exportAuditEvents } from '../../src/audit/export-events.js';
import { verifyAuditExport } from '../../src/audit/verify-export.js';
import { verifyAuditDatabase } from '../../src/audit/verify-database.js';
import type { AuditViewer, AuditFilter } from '../../src/audit/audit-viewer.js';
import type { ExportFormat } from '../../src/audit/export-format.js';
import type { Queryable } from '../../src/store/db.js';
import { makeTestPki } from './fixtures/test-pki.js';

const pki = makeTestPki();
const A = '000.00.00.G22';
const B = '000.00.00.H41';
const C = '000.00.00.H14';

const tdb = await createTestDatabase();
t.teardown(tdb.drop);
const db = tdb.db;
const sealer = createAuditSealer({ db, signer: pki.signer, checkpointIntervalMs: 3_600_000, checkpointEveryEntries: 8 });

// 30 events: A→B, A→C, B→C in turn; one message.rejected per 5; plus a purge.
for (let i = 0; i < 30; i++) {
  const pair = [[A, B], [A, C], [B, C]][i % 3]!;
  await db.tx((q) =>
    appendAuditEvent(q, {
      type: i % 5 === 0 ? 'message.rejected' : 'message.accepted',
      actor: pair[0]!,
      organs: pair,
      messageId: `msg-${i}`,
      documentId: `doc-${i % 4}`,
      data: { sha256: i.toString(16).padStart(64, '0'), size: 100 + i, subjectLength: 12 },
    }),
  );
}
await db.tx((q) => appendAuditEvent(q, { type: 'document.purged', actor: 'hub', organs: [A, B], messageId: 'msg-0', data: { bytes: 1234 } }));
await sealer.sealOnce();
await sealer.checkpointNow();

const auditor: AuditViewer = { kind: 'auditor', name: 'kiem-toan' };
const agencyA: AuditViewer = { kind: 'agency', organId: A };

async function allPages(q: Queryable, v: AuditViewer, f: AuditFilter, limit: number): Promise<AuditEventView[]> {
  const out: AuditEventView[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await queryAuditEvents(q, v, f, after ? { limit, after } : { limit });
    out.push(...page.events);
    if (!page.next) return out;
    after = page.next;
  }
}

async function exportText(v: AuditViewer, f: AuditFilter, format: ExportFormat): Promise<string> {
  let s = '';
  for await (const c of exportAuditEvents(db, v, f, { format, batchSize: 7 })) s += c;
  return s;
}

t.test('an agency sees only its own events; asking for another agency is refused', async (t) => {
  const mine = await allPages(db, agencyA, {}, 4);
  t.equal(mine.length, 21, '20 exchanges with A plus the purge');
  t.ok(mine.every((e) => e.organs.includes(A)));
  await t.rejects(queryAuditEvents(db, agencyA, { organId: B }), { code: 'audit.forbidden', status: 403 });
  const fromB = await allPages(db, { kind: 'agency', organId: B }, { type: ['message.rejected'] }, 100);
  t.ok(fromB.length > 0 && fromB.every((e) => e.organs.includes(B) && e.type === 'message.rejected'));
  t.ok(mine.every((e) => e.seq !== null && e.hash !== null), 'sealed events carry their seq');
});

t.test('auditor filters and keyset pages', async (t) => {
  const all = await allPages(db, auditor, { type: ['message.accepted', 'message.rejected', 'document.purged'] }, 1000);
  t.equal(all.length, 31);
  const paged = await allPages(db, auditor, { type: ['message.accepted', 'message.rejected', 'document.purged'] }, 3);
  t.same(paged.map((e) => e.id), all.map((e) => e.id), 'pages of 3 give the same sequence, no gaps or repeats');
  const byDoc = await allPages(db, auditor, { documentId: 'doc-1' }, 2);
  t.same(byDoc.map((e) => e.messageId), ['msg-1', 'msg-5', 'msg-9', 'msg-13', 'msg-17', 'msg-21', 'msg-25', 'msg-29']);
  const byMsg = await queryAuditEvents(db, auditor, { messageId: 'msg-0' });
  t.same(byMsg.events.map((e) => e.type), ['message.rejected', 'document.purged']);
  const byOrganAndTime = await allPages(db, auditor, { organId: C, from: new Date(all[10]!.at), to: new Date(all[20]!.at) }, 2);
  t.ok(byOrganAndTime.length > 0);
  t.ok(byOrganAndTime.every((e) => e.organs.includes(C) && e.at >= all[10]!.at && e.at < all[20]!.at));
  const empty = await queryAuditEvents(db, auditor, { organId: 'nobody' });
  t.same(empty, { events: [], next: null });
  await t.rejects(queryAuditEvents(db, auditor, {}, { limit: 1001 }), { code: 'audit.bad_query' });
  await t.rejects(queryAuditEvents(db, auditor, {}, { after: 'not-a-cursor' }), { code: 'audit.bad_cursor' });
  await t.rejects(queryAuditEvents(db, auditor, { from: new Date(2), to: new Date(1) }), { code: 'audit.bad_query' });
});

t.test("auditors' queries are logged, agencies' are not", async (t) => {
  const count = async () => (await db.query<{ n: string }>("SELECT count(*) AS n FROM audit_events WHERE type = 'audit.queried'")).rows[0]!.n;
  const before = Number(await count());
  await queryAuditEvents(db, agencyA, {});
  t.equal(Number(await count()), before);
  await queryAuditEvents(db, auditor, { documentId: 'doc-2' });
  t.equal(Number(await count()), before + 1);
  const ev = await db.query<{ actor: string; data: { filter: { documentId: string } } }>(
    "SELECT actor, data FROM audit_events WHERE type = 'audit.queried' ORDER BY id DESC LIMIT 1",
  );
  t.equal(ev.rows[0]!.actor, 'auditor:kiem-toan');
  t.equal(ev.rows[0]!.data.filter.documentId, 'doc-2');
});

t.test('a full NDJSON export verifies with only the CA; edits fail naming the seq', async (t) => {
  await sealer.sealOnce();
  await sealer.checkpointNow();
  const text = await exportText(auditor, {}, 'ndjson');
  const lines = text.trimEnd().split('\n');
  const header = JSON.parse(lines[0]!) as { fromSeq: string; toSeq: string; entries: number; checkpoints: number };
  t.equal(header.fromSeq, '1', 'whole chain from seq 1');
  t.ok(header.checkpoints >= 4, `${header.checkpoints} checkpoints`);
  const report = await verifyAuditExport(Readable.from([text]), { caCertPem: pki.caCertPem });
  t.equal(report.ok, true, JSON.stringify(report.firstFailure));
  t.equal(report.entries, header.entries);
  t.equal(report.redacted, 0);
  // Only the event of the newest checkpoint itself waits for the next checkpoint.
  t.equal(BigInt(header.toSeq) - BigInt(report.signedThrough ?? '0'), 1n, 'all but the last checkpoint event are signed');

  const idx = lines.findIndex((l) => l.includes('"seq":"5","prevHash"'));
  const edited = [...lines];
  edited[idx] = edited[idx]!.replace('"size":', '"size":1');
  let r = await verifyAuditExport(Readable.from([edited.join('\n')]), { caCertPem: pki.caCertPem });
  t.same(r.firstFailure, { seq: '5', reason: 'hash does not match the content' });

  const extra = [...lines];
  extra[idx] = extra[idx]!.replace('"record":{', '"record":{"note":"added later",');
  r = await verifyAuditExport(Readable.from([extra.join('\n')]), { caCertPem: pki.caCertPem });
  t.equal(r.firstFailure?.seq, '5', 'a member the hash does not cover is refused');

  const dropped = lines.filter((_, i) => i !== idx + 1);
  r = await verifyAuditExport(Readable.from([dropped.join('\n')]), { caCertPem: pki.caCertPem });
  t.equal(r.firstFailure?.seq, '6', 'a removed line is named');

  const cpIdx = lines.findIndex((l) => l.startsWith('{"kind":"checkpoint"'));
  const forged = [...lines];
  forged[cpIdx] = forged[cpIdx]!.replace(/"hash":"[0-9a-f]{2}/, '"hash":"00');
  r = await verifyAuditExport(Readable.from([forged.join('\n')]), { caCertPem: pki.caCertPem });
  t.equal(r.ok, false);
  t.equal(r.firstFailure?.reason, 'checkpoint signature does not verify');

  r = await verifyAuditExport(Readable.from([lines.slice(0, -3).join('\n')]), { caCertPem: pki.caCertPem });
  t.equal(r.ok, false, 'a truncated export fails');
  await t.rejects(verifyAuditExport(Readable.from(['hello\n']), { caCertPem: pki.caCertPem }), { code: 'audit.bad_export' });
});

t.test("an agency's export shows its events, others only as digests, and still verifies", async (t) => {
  const text = await exportText(agencyA, {}, 'ndjson');
  const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as { kind: string; record?: { organs: string[] } });
  const entries = lines.filter((l) => l.kind === 'entry');
  t.ok(entries.length >= 21);
  t.ok(entries.every((l) => l.record!.organs.includes(A)), 'no other agency event in clear');
  t.ok(lines.some((l) => l.kind === 'redacted'));
  t.notOk(text.includes(`"organs":["${B}","${C}"]`));
  const report = await verifyAuditExport(Readable.from([text]), { caCertPem: pki.caCertPem });
  t.equal(report.ok, true, JSON.stringify(report.firstFailure));
  t.ok(report.redacted > 0);
  await t.rejects(exportText(agencyA, { organId: C }, 'ndjson'), { code: 'audit.forbidden' });
  const exported = await db.query<{ actor: string }>("SELECT actor FROM audit_events WHERE type = 'audit.exported' ORDER BY id DESC LIMIT 1");
  t.equal(exported.rows[0]!.actor, A, 'the export itself is logged');
});

t.test('CSV export verifies and an edited row fails naming the seq', async (t) => {
  const text = await exportText(auditor, { from: new Date(0) }, 'csv');
  t.ok(text.startsWith('kind,seq,prev_hash,hash,'));
  const report = await verifyAuditExport(Readable.from([text]), { caCertPem: pki.caCertPem });
  t.equal(report.ok, true, JSON.stringify(report.firstFailure));
  const rows = text.split('\r\n');
  const i = rows.findIndex((r) => r.startsWith('entry,7,'));
  rows[i] = rows[i]!.replace('message.', 'messagE.');
  const r = await verifyAuditExport(Readable.from([rows.join('\r\n')]), { caCertPem: pki.caCertPem });
  t.same(r.firstFailure, { seq: '7', reason: 'hash does not match the content' });
});

t.test('purge events and the queries/exports themselves keep the database verifiable', async (t) => {
  await sealer.sealOnce();
  const report = await verifyAuditDatabase(db, { caCertPem: pki.caCertPem });
  t.equal(report.ok, true, JSON.stringify(report.firstFailure));
  const purged = await db.query("SELECT 1 FROM audit_events e JOIN audit_chain c ON c.event_id = e.id WHERE e.type = 'document.purged'");
  t.equal(purged.rowCount, 1);
});
