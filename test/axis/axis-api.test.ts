/**
 * The national-axis compatible API end to end on real PostgreSQL and Redis:
 * systems signing with HMAC (and one with its client certificate) send,
 * list, fetch and acknowledge through the same exchange as /v1.
 */
import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { buildEdoc } from '../../src/edxml/build-edxml.js';
import { signAxisRequest } from '../../src/axis/axis-signature.js';
import { runCliInProcess } from '../helpers/run-cli.js';
import { startTestHub, type HttpAnswer, type TestHub } from '../helpers/test-hub.js';

const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';
const H14 = '000.00.00.H14';

interface System {
  systemId: string;
  organId: string;
  secret: string;
}

/** A call as an axis client makes it: the selected headers signed with the system's secret. */
function call(hub: TestHub, sys: System, method: string, path: string, body?: Buffer | object, extra: Record<string, string> = {}): Promise<HttpAnswer> {
  const bytes = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  const headers: Record<string, string> = {
    systemid: sys.systemId,
    from: sys.organId,
    timestamp: String(Date.now()),
    sha256: createHash('sha256').update(bytes).digest('hex'),
    ...extra,
  };
  headers.signature ??= signAxisRequest(sys.secret, {
    method,
    path,
    systemId: headers.systemid!,
    from: headers.from!,
    serviceType: headers.servicetype ?? '',
    messageType: headers.messagetype ?? '',
    timestamp: headers.timestamp!,
    sha256: headers.sha256!,
  });
  return hub.request(null, method, path, body, headers);
}

async function addSystem(t: Test, hub: TestHub, systemId: string, organId: string): Promise<System> {
  const env = { DATABASE_URL: hub.tdb.url };
  const r = await runCliInProcess(['axis', 'add', systemId, '--organ', organId, '--json'], { env });
  t.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as System;
}

t.test('send, list, fetch and acknowledge with signed requests', async (t) => {
  const hub = await startTestHub();
  t.teardown(() => hub.close());
  await hub.setAgency(G22, { signaturePolicy: 'lenient' });
  const vpcp = await addSystem(t, hub, 'qlvb-vpcp', G22);
  const nghean = await addSystem(t, hub, 'qlvb-nghean', H41);
  t.match(vpcp.secret, /^[A-Za-z0-9_-]{43}$/, 'a 32-byte secret, base64url');

  const doc = buildEdoc({ from: { organId: G22 }, to: [{ organId: H41 }, { organId: H14 }], documentId: `${G22},2026/12/01,12/VPCP-AXIS`, subject: 'Công văn qua trục' });
  const sent = await call(hub, vpcp, 'POST', '/axis/sendEdoc', doc, { servicetype: 'eDoc', messagetype: 'edoc', 'content-type': 'application/xml' });
  t.equal(sent.status, 200, sent.body.toString());
  const { DocId, ...rest } = sent.json<{ DocId: string; status: string; ErrorCode: string }>();
  t.match(rest, { status: 'OK', ErrorCode: '0', ErrorDesc: '', duplicate: false, kind: 'edoc' });

  const again = await call(hub, vpcp, 'POST', '/axis/sendEdoc', doc, { servicetype: 'eDoc', messagetype: 'edoc', 'content-type': 'application/xml' });
  t.match(again.json(), { status: 'OK', DocId, duplicate: true }, 'a resubmission: the first answer');

  const list = await call(hub, nghean, 'GET', '/axis/getReceivedEdocList');
  t.equal(list.status, 200, list.body.toString());
  t.match(list.json(), { status: 'OK', data: [{ docId: DocId, from: G22, messagetype: 'edoc', documentId: `${G22},2026/12/01,12/VPCP-AXIS` }] });

  const got = await call(hub, nghean, 'GET', `/axis/getEdoc?docId=${DocId}`);
  t.equal(got.status, 200);
  t.ok(got.body.equals(doc), 'the exact bytes');
  t.equal(got.headers['x-edoc-sha256'], createHash('sha256').update(doc).digest('hex'));

  const acked = await call(hub, nghean, 'POST', '/axis/updateStatus', { docid: DocId, status: 'done' }, { 'content-type': 'application/json' });
  t.match(acked.json(), { status: 'OK', DocId });
  t.match((await call(hub, nghean, 'GET', '/axis/getReceivedEdocList')).json(), { status: 'OK', data: [] }, 'no longer waiting');

  const sentList = (await call(hub, vpcp, 'GET', '/axis/getSentEdocList')).json<{ data: { docId: string; recipients: { organId: string; state: string }[] }[] }>();
  t.same(
    sentList.data.find((d) => d.docId === DocId)?.recipients.map((r) => [r.organId, r.state]),
    [
      [H41, 'acknowledged'],
      [H14, 'available'],
    ],
    "each recipient's state",
  );
  const agencies = (await call(hub, nghean, 'GET', '/axis/getAgenciesList')).json<{ data: { organId: string }[] }>();
  t.ok(agencies.data.some((a) => a.organId === 'vxp.saas.02'), 'the directory');

  // The same calls with a client certificate, no signature.
  const viaCert = await hub.request(H14, 'GET', '/axis/getReceivedEdocList', undefined, { from: H14 });
  t.match(viaCert.json(), { status: 'OK', data: [{ docId: DocId }] });
  const failed = await hub.request(H14, 'POST', '/axis/updateStatus', { docid: DocId, status: 'fail', reason: 'thiếu trang' });
  t.match(failed.json(), { status: 'OK' });
  const tracking = (await hub.request(G22, 'GET', `/v1/messages/${DocId}/tracking`)).json<{ recipients: { recipient: string; delivery: { state: string; ackReason: string | null } }[] }>();
  t.match(tracking.recipients.find((r) => r.recipient === H14)?.delivery, { state: 'failed', ackReason: 'thiếu trang' }, '/v1 tracking shows it');
});

t.test('refusals: unsigned, wrong secret, replayed, tampered body, from another agency, disabled', async (t) => {
  const hub = await startTestHub();
  t.teardown(() => hub.close());
  await hub.setAgency(G22, { signaturePolicy: 'lenient' });
  const vpcp = await addSystem(t, hub, 'qlvb-vpcp', G22);
  const doc = buildEdoc({ from: { organId: G22 }, to: [{ organId: H41 }], documentId: `${G22},2026/12/01,13/VPCP-AXIS`, subject: 'Công văn' });
  const send = (sys: System, body: Buffer, extra: Record<string, string> = {}): Promise<HttpAnswer> =>
    call(hub, sys, 'POST', '/axis/sendEdoc', body, { servicetype: 'eDoc', messagetype: 'edoc', 'content-type': 'application/xml', ...extra });
  const code = (r: HttpAnswer): [number, string] => [r.status, r.json<{ ErrorCode: string }>().ErrorCode];

  t.same(code(await hub.request(null, 'GET', '/axis/getAgenciesList')), [401, 'axis.unauthenticated'], 'neither certificate nor signature');
  t.same(code(await hub.request(null, 'POST', '/axis/updateStatus', { status: 'bogus' })), [401, 'axis.unauthenticated'], 'who calls is settled before the body is validated');
  const unknown = await hub.request(G22, 'GET', '/axis/getNothing');
  t.same(code(unknown), [404, 'http.not_found'], 'an unknown axis call answers in the axis shape');
  t.equal(unknown.json<{ status: string }>().status, 'FAIL');
  t.same(code(await send({ ...vpcp, secret: 'guessed' }, doc)), [401, 'axis.bad_signature'], 'another secret');
  t.same(code(await send(vpcp, doc, { timestamp: String(Date.now() - 10 * 60_000) })), [401, 'axis.bad_signature'], 'a request ten minutes old');
  t.same(code(await send(vpcp, doc, { sha256: 'ab'.repeat(32) })), [400, 'axis.digest_mismatch'], 'a body that is not the one signed');
  t.same(code(await send({ ...vpcp, systemId: 'nobody' }, doc)), [401, 'axis.unauthenticated'], 'an unknown system');
  t.same(code(await send({ ...vpcp, organId: H41 }, doc)), [403, 'axis.from_mismatch'], 'from another agency than the system’s');
  t.same(code(await send(vpcp, doc, { servicetype: 'other' })), [400, 'axis.bad_header']);
  const foreign = buildEdoc({ from: { organId: H41 }, to: [{ organId: G22 }], documentId: `${H41},2026/12/01,1/UBND`, subject: 'x' });
  t.same(code(await send(vpcp, foreign)), [403, 'exchange.from_mismatch'], 'an edXML From that is not the system’s agency');
  t.same(code(await send(vpcp, Buffer.from('<not-edxml/>'))), [400, 'edxml.not_edxml_root'], "the reader's refusals, as on /v1");
  t.same(code(await hub.request(H41, 'GET', '/axis/getReceivedEdocList', undefined, { from: G22 })), [403, 'axis.from_mismatch'], 'a certificate of another agency than from');
  t.equal(Number((await hub.tdb.db.query<{ n: string }>('SELECT count(*) AS n FROM messages')).rows[0]!.n), 0, 'nothing stored');

  await hub.setAgency(G22, { active: false });
  t.same(code(await send(vpcp, doc)), [401, 'axis.unauthenticated'], 'the system of an agency no longer active');
  await hub.setAgency(G22, { active: true });
  t.equal((await runCliInProcess(['axis', 'disable', 'qlvb-vpcp'], { env: { DATABASE_URL: hub.tdb.url } })).code, 0);
  t.same(code(await send(vpcp, doc)), [401, 'axis.unauthenticated'], 'a disabled system');
  const listed = await runCliInProcess(['axis', 'list', '--json'], { env: { DATABASE_URL: hub.tdb.url } });
  t.match(JSON.parse(listed.stdout), [{ systemId: 'qlvb-vpcp', organId: G22, active: false }]);
  t.notMatch(listed.stdout, vpcp.secret, 'never shows the secret');
});
