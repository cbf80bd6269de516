/**
 * Tracking shows a caller only the versions of a document it may read.
 * G22 sends A to H41 and H14, then a replacement B (same DocumentId,
 * BusinessDocType 3) to H14 only. H41 is neither B's sender nor recipient,
 * and must not see B under `linked` of A's tracking (it used to: subject,
 * recipients, digest and size). Nor may H14 (recipient of B only, when A
 * went to H41 alone) see A under `original`.
 */
import t from 'tap';
import { buildEdoc } from '../../src/edxml/build-edxml.js';
import { startTestHub } from '../helpers/test-hub.js';

const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';
const H14 = '000.00.00.H14';

t.test('tracking reveals only messages visible to the caller', async (t) => {
  const hub = await startTestHub();
  t.teardown(() => hub.close());
  await hub.setAgency(G22, { signaturePolicy: 'lenient' });
  const documentId = `${G22},2026/12/01,1/LEAK`;
  const A = buildEdoc({ from: { organId: G22 }, to: [{ organId: H41 }, { organId: H14 }], documentId, subject: 'Bản gốc' });
  const a = (await hub.request(G22, 'POST', '/v1/messages', A)).json<{ id: string }>().id;
  const B = buildEdoc({ from: { organId: G22 }, to: [{ organId: H14 }], documentId, subject: 'Bản thay thế chỉ gửi Cao Bằng', business: { businessDocType: 3, businessDocReason: 'thay thế' } });
  const rb = await hub.request(G22, 'POST', '/v1/messages', B);
  t.equal(rb.status, 202, rb.body.toString());
  const b = rb.json<{ id: string }>().id;
  t.equal((await hub.request(H41, 'GET', `/v1/messages/${b}`)).status, 404, 'H41 may not read B');
  const tracking = (await hub.request(H41, 'GET', `/v1/messages/${a}/tracking`)).json<{ linked: { id: string; subject: string }[] }>();
  t.same(tracking.linked.filter((l) => l.id === b), [], `H41 is not shown B (got ${JSON.stringify(tracking.linked.map((l) => l.subject))})`);

  // The other way: a recipient of the later message only sees the original's metadata.
  const documentId2 = `${G22},2026/12/01,2/LEAK`;
  const C = buildEdoc({ from: { organId: G22 }, to: [{ organId: H41 }], documentId: documentId2, subject: 'Gửi riêng Nghệ An' });
  const c = (await hub.request(G22, 'POST', '/v1/messages', C)).json<{ id: string }>().id;
  const D = buildEdoc({ from: { organId: G22 }, to: [{ organId: H14 }], documentId: documentId2, subject: 'Cập nhật', business: { businessDocType: 2, businessDocReason: 'cập nhật' } });
  const rd = await hub.request(G22, 'POST', '/v1/messages', D);
  t.equal(rd.status, 202, rd.body.toString());
  t.equal((await hub.request(H14, 'GET', `/v1/messages/${c}`)).status, 404, 'H14 may not read C');
  const t2 = (await hub.request(H14, 'GET', `/v1/messages/${rd.json<{ id: string }>().id}/tracking`)).json<{ original: { id: string; subject: string } | null }>();
  t.not(t2.original?.id, c, `H14 is not shown C (got ${JSON.stringify(t2.original)})`);
});
