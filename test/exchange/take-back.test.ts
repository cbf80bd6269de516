/** Recall (BussinessDocType 1) and the take-back flow (13 → 15/16) in tracking. */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { buildStatus } from '../../src/edxml/build-edxml.js';
import { startTestHub } from '../helpers/test-hub.js';

const base = readFileSync(new URL('../fixtures/edxml/edoc-replacement.edxml', import.meta.url), 'utf8');
const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';
const H14 = '000.00.00.H14';
const withType = (type: number, docId: string): string =>
  base
    .replace(/<edXML:BussinessDocType>\d<\/edXML:BussinessDocType>/, `<edXML:BussinessDocType>${type}</edXML:BussinessDocType>`)
    .replaceAll('000.00.00.G22,2015/09/30,7816/VPCP-TTĐT</edXML:DocumentId>', `${docId}</edXML:DocumentId>`);
const status = (from: string, to: string, code: '13' | '15' | '16', docId: string): Buffer =>
  buildStatus({ from: { organId: from }, responseFor: { organId: to, documentId: docId }, statusCode: code });

interface Track {
  linked: { id: string; businessDocType: number }[];
  recipients: { recipient: string; recalled: boolean; takeBack: { kind: string; answer: string | null } | null; deadlines: object | null }[];
}

t.test('a recall agreed by one recipient, a take-back request refused by another', async (t) => {
  const hub = await startTestHub();
  t.teardown(() => hub.close());
  for (const a of [G22, H41, H14]) await hub.setAgency(a, { signaturePolicy: 'lenient' });

  const docA = `${G22},2026/11/23,1/VPCP-A`;
  const original = await hub.request(G22, 'POST', '/v1/messages', withType(0, docA));
  t.equal(original.status, 202, original.body.toString());
  const id = original.json<{ id: string }>().id;

  const recall = await hub.request(G22, 'POST', '/v1/messages', withType(1, docA));
  t.equal(recall.status, 202, 'a recall under the same DocumentId is accepted');
  t.equal((await hub.request(H41, 'POST', '/v1/messages', status(H41, G22, '15', docA))).status, 202);

  const tr = (await hub.request(G22, 'GET', `/v1/messages/${id}/tracking`)).json<Track>();
  t.same(tr.linked.map((l) => l.businessDocType), [1], 'the recall is linked to the original');
  const h41 = tr.recipients.find((r) => r.recipient === H41)!;
  t.same(h41.takeBack, { ...h41.takeBack, kind: 'recall', answer: '15' });
  t.equal(h41.recalled, true);
  t.equal(h41.deadlines, null, 'a copy taken back has no deadlines (nothing is overdue)');
  const recallId = recall.json<{ id: string }>().id;
  const ofRecall = (await hub.request(G22, 'GET', `/v1/messages/${recallId}/tracking`)).json<Track>();
  t.ok(ofRecall.recipients.length > 0 && ofRecall.recipients.every((r) => r.deadlines === null), 'nor has the recall message itself');
  const h14 = tr.recipients.find((r) => r.recipient === H14)!;
  t.equal(h14.recalled, false, 'not recalled where the recipient has not agreed');
  t.equal(h14.takeBack?.answer, null);

  const docB = `${G22},2026/11/23,2/VPCP-B`;
  const second = await hub.request(G22, 'POST', '/v1/messages', withType(0, docB));
  const id2 = second.json<{ id: string }>().id;
  t.equal((await hub.request(G22, 'POST', '/v1/messages', status(G22, H41, '13', docB))).status, 202, '13 goes from the sender to the recipient');
  t.equal((await hub.request(H41, 'POST', '/v1/messages', status(H41, G22, '16', docB))).status, 202);
  const tr2 = (await hub.request(G22, 'GET', `/v1/messages/${id2}/tracking`)).json<Track>();
  const r2 = tr2.recipients.find((r) => r.recipient === H41)!;
  t.same(r2.takeBack, { ...r2.takeBack, kind: 'request', answer: '16' });
  t.equal(r2.recalled, false);
  t.equal(tr2.recipients.find((r) => r.recipient === H14)?.takeBack, null, 'the 13 went to H41 only: no take-back request for H14');
  const own = (await hub.request(H14, 'GET', `/v1/messages/${id2}/tracking`)).json<Track & { recipients: { statuses: { code: string }[] }[] }>();
  t.same(own.recipients[0]?.statuses.map((s) => s.code), [], 'nor does H14 see it in its own tracking');
  const wrongWay = await hub.request(H41, 'POST', '/v1/messages', status(H41, G22, '13', docB));
  t.equal(wrongWay.status, 422, 'a recipient cannot send a take-back request for a document it received');
});

t.test('a 15 or 16 answers a take-back the sender asked for: otherwise 422, and nothing is stored', async (t) => {
  const hub = await startTestHub();
  t.teardown(() => hub.close());
  for (const a of [G22, H41, H14]) await hub.setAgency(a, { signaturePolicy: 'lenient' });
  const count = async (): Promise<number> =>
    (await hub.tdb.db.query<{ n: number }>("SELECT (SELECT count(*) FROM messages) + (SELECT count(*) FROM business_statuses) AS n")).rows[0]!.n;
  const code = (r: { json<T>(): T }): string => r.json<{ error: { code: string; element?: string } }>().error.code;

  const docC = `${G22},2026/11/23,3/VPCP-C`;
  t.equal((await hub.request(G22, 'POST', '/v1/messages', withType(0, docC))).status, 202);
  const before = await count();
  for (const answer of ['15', '16'] as const) {
    const unasked = await hub.request(H41, 'POST', '/v1/messages', status(H41, G22, answer, docC));
    t.equal(unasked.status, 422, `${answer} with no request to answer`);
    t.equal(code(unasked), 'exchange.no_take_back_request');
    t.match(unasked.json<{ error: { message: string; element: string } }>().error, { element: 'StatusCode', message: /never asked 000\.00\.00\.H41/ });
  }
  t.equal(await count(), before, 'no message row, no status row');

  // A 13 to H41 only: H41 may answer it, H14 may not.
  t.equal((await hub.request(G22, 'POST', '/v1/messages', status(G22, H41, '13', docC))).status, 202);
  t.equal((await hub.request(H41, 'POST', '/v1/messages', status(H41, G22, '15', docC))).status, 202, 'H41 answers the request it got');
  const h14 = await hub.request(H14, 'POST', '/v1/messages', status(H14, G22, '15', docC));
  t.equal(h14.status, 422, 'H14 was not asked');
  t.equal(code(h14), 'exchange.no_take_back_request');

  // An update (2) sent to every recipient is a take-back too: H14 may answer it.
  const docD = `${G22},2026/11/23,4/VPCP-D`;
  t.equal((await hub.request(G22, 'POST', '/v1/messages', withType(0, docD))).status, 202);
  t.equal((await hub.request(G22, 'POST', '/v1/messages', withType(2, docD))).status, 202);
  t.equal((await hub.request(H14, 'POST', '/v1/messages', status(H14, G22, '16', docD))).status, 202, 'a 16 refusing an update');
});
