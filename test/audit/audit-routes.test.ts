import t from 'tap';
import Fastify from 'fastify';
import { Readable } from 'node:stream';
import { createTestDatabase } from '../helpers/test-db.js';
import { appendAuditEvent } from '../../src/audit/append-event.js';
import { createAuditSealer } from '../../src/audit/sealer.js';
import { verifyAuditExport } from '../../src/audit/verify-export.js';
import { auditRoutes } from '../../src/http/routes/audit-routes.js';
import { errorHandler } from '../../src/http/error-handler.js';
import type { Caller } from '../../src/http/caller.js';
import { makeTestPki } from './fixtures/test-pki.js';

const pki = makeTestPki();
const A = '000.00.00.G22';
const B = '000.00.00.H41';
const C = '000.00.00.H14';

const tdb = await createTestDatabase();
t.teardown(tdb.drop);
const sealer = createAuditSealer({ db: tdb.db, signer: pki.signer, checkpointIntervalMs: 3_600_000, checkpointEveryEntries: 5 });
for (let i = 0; i < 12; i++) {
  const organs = i % 2 === 0 ? [A, B] : [B, C];
  await tdb.db.tx((q) => appendAuditEvent(q, { type: 'message.accepted', actor: organs[0]!, organs, messageId: `m${i}`, documentId: `d${i}` }));
}
await sealer.sealOnce();

// The test stands in for mTLS authentication: the caller comes from a header.
// Same validation options as the hub's app (src/http/build-app.ts).
const app = Fastify({ ajv: { customOptions: { coerceTypes: true, removeAdditional: false } } });
app.setErrorHandler(errorHandler);
app.decorateRequest('caller', null);
app.addHook('onRequest', async (req) => {
  const h = req.headers['x-test-caller'];
  req.caller = typeof h === 'string' ? (JSON.parse(h) as Caller) : null;
});
await app.register(auditRoutes, { db: tdb.db });
t.teardown(() => app.close());

const auditor: Caller = { kind: 'auditor', name: 'kt' };
const agencyA: Caller = { kind: 'agency', organId: A };
const as = (c: Caller | null) => (c ? { 'x-test-caller': JSON.stringify(c) } : {});

t.test('GET /v1/audit/events: auditor sees all, agency its own, others refused', async (t) => {
  let r = await app.inject({ url: '/v1/audit/events?limit=100', headers: as(auditor) });
  t.equal(r.statusCode, 200);
  const all = r.json<{ events: { organs: string[]; seq: string }[]; next: string | null }>();
  t.equal(all.events.filter((e) => e.organs.length > 0).length, 12);
  t.equal(all.next, null);

  r = await app.inject({ url: '/v1/audit/events?limit=2', headers: as(agencyA) });
  const p1 = r.json<{ events: { organs: string[] }[]; next: string }>();
  t.equal(p1.events.length, 2);
  r = await app.inject({ url: `/v1/audit/events?limit=100&after=${p1.next}`, headers: as(agencyA) });
  const p2 = r.json<{ events: { organs: string[] }[] }>();
  t.equal(p1.events.length + p2.events.length, 6, 'A concerns 6 events');
  t.ok([...p1.events, ...p2.events].every((e) => e.organs.includes(A)));

  r = await app.inject({ url: `/v1/audit/events?organ=${C}`, headers: as(agencyA) });
  t.equal(r.statusCode, 403);
  t.equal(r.json<{ error: { code: string } }>().error.code, 'audit.forbidden');

  r = await app.inject({ url: '/v1/audit/events?type=message.accepted&type=message.rejected&documentId=d3', headers: as(auditor) });
  t.same(r.json<{ events: { messageId: string }[] }>().events.map((e) => e.messageId), ['m3']);
  r = await app.inject({ url: '/v1/audit/events?type=message.accepted&documentId=d4', headers: as(auditor) });
  t.same(r.json<{ events: { messageId: string }[] }>().events.map((e) => e.messageId), ['m4'], 'a single type works too');

  r = await app.inject({ url: '/v1/audit/events', headers: as({ kind: 'operator', name: 'op' }) });
  t.equal(r.statusCode, 403);
  r = await app.inject({ url: '/v1/audit/events' });
  t.equal(r.statusCode, 401);
  r = await app.inject({ url: '/v1/audit/events?type=bogus', headers: as(auditor) });
  t.equal(r.statusCode, 400);
  r = await app.inject({ url: '/v1/audit/events?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', headers: as(auditor) });
  t.equal(r.json<{ error: { code: string } }>().error.code, 'audit.bad_query');
});

t.test('GET /v1/audit/export streams a verifiable export; non-auditors cannot export others', async (t) => {
  let r = await app.inject({ url: '/v1/audit/export?format=ndjson', headers: as(auditor) });
  t.equal(r.statusCode, 200);
  t.match(r.headers['content-type'], /application\/x-ndjson/);
  let report = await verifyAuditExport(Readable.from([r.body]), { caCertPem: pki.caCertPem });
  t.equal(report.ok, true, JSON.stringify(report.firstFailure));
  t.equal(report.redacted, 0);

  r = await app.inject({ url: `/v1/audit/export?organ=${B}&format=ndjson`, headers: as(agencyA) });
  t.equal(r.statusCode, 403, "an agency cannot export another agency's events");
  t.equal(r.json<{ error: { code: string } }>().error.code, 'audit.forbidden');

  r = await app.inject({ url: '/v1/audit/export?format=csv', headers: as(agencyA) });
  t.equal(r.statusCode, 200);
  t.match(r.headers['content-type'], /text\/csv/);
  t.notOk(r.body.includes(`"[""${B}"",""${C}""]"`), "no B–C event in clear in A's export");
  report = await verifyAuditExport(Readable.from([r.body]), { caCertPem: pki.caCertPem });
  t.equal(report.ok, true, JSON.stringify(report.firstFailure));
  t.ok(report.redacted > 0);

  r = await app.inject({ url: '/v1/audit/export', headers: as({ kind: 'clerk', name: 'x', organId: A }) });
  t.equal(r.statusCode, 403);
});

t.test('GET /v1/audit/checkpoints', async (t) => {
  const r = await app.inject({ url: '/v1/audit/checkpoints?limit=2', headers: as(auditor) });
  t.equal(r.statusCode, 200);
  const cps = r.json<{ checkpoints: { seq: string; certificatePem: string }[] }>().checkpoints;
  t.same(cps.map((c) => c.seq), ['5', '10']);
  t.match(cps[0]!.certificatePem, /BEGIN CERTIFICATE/);
  const none = await app.inject({ url: '/v1/audit/checkpoints' });
  t.equal(none.statusCode, 401);
});
