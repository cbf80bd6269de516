/**
 * Submission and delivery receipts from a running hub, verified by the real
 * `openssl cms -verify` with only the CA certificate; a changed byte fails.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { signEdxml } from '../../src/pki/xmldsig/sign-edxml.js';
import { startTestHub } from '../helpers/test-hub.js';
import { testLayout } from '../helpers/test-certs.js';
import { buildEdoc } from '../../src/edxml/build-edxml.js';

const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';
const fixture = readFileSync(new URL('../fixtures/edxml/edoc-replacement.edxml', import.meta.url));

function openssl(bytes: Buffer): { ok: boolean; content: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'edoc-receipt-'));
  const file = path.join(dir, 'receipt.eml');
  writeFileSync(file, bytes);
  const out = path.join(dir, 'content.json');
  const r = spawnSync('openssl', ['cms', '-verify', '-in', file, '-CAfile', testLayout().caCert, '-purpose', 'any', '-out', out], { encoding: 'utf8' });
  if (r.status !== 0) return { ok: false, content: r.stderr };
  // openssl writes the signed MIME part: its headers, a blank line, then the receipt JSON.
  const part = readFileSync(out, 'utf8');
  return { ok: true, content: part.slice(part.search(/\r?\n\r?\n/)).trim() };
}

t.test('receipts verify with openssl and fail when a byte changes', async (t) => {
  const hub = await startTestHub();
  t.teardown(() => hub.close());
  const l = testLayout();
  const signed = signEdxml(fixture, { keyPem: readFileSync(l.agencyKey(G22), 'utf8'), certPem: readFileSync(l.agencyCert(G22), 'utf8'), c14n: 'exclusive' });
  const sent = await hub.request(G22, 'POST', '/v1/messages', signed);
  t.equal(sent.status, 202);
  const { id, sha256 } = sent.json<{ id: string; sha256: string }>();

  const receipt = await hub.request(G22, 'GET', `/v1/messages/${id}/receipt`);
  t.equal(receipt.status, 200, receipt.body.toString().slice(0, 300));
  const verified = openssl(receipt.body);
  t.ok(verified.ok, `openssl accepts the submission receipt: ${verified.content}`);
  const content = JSON.parse(verified.content) as { messageId: string; sha256: string; from: string; to: string[]; log: { seq: string } };
  t.equal(content.messageId, id);
  t.equal(content.sha256, sha256);
  t.equal(content.from, G22);
  t.same(content.to, ['000.00.00.H41', '000.00.00.H14', '000.00.00.G17']);
  t.ok(Number(content.log.seq) > 0, 'carries its position in the exchange log');
  const again = await hub.request(G22, 'GET', `/v1/messages/${id}/receipt`);
  t.ok(again.body.equals(receipt.body), 'the same receipt every time');

  const text = receipt.body.toString('latin1');
  const at = text.indexOf('"sha256":"') + 12;
  const tampered = Buffer.from(text.slice(0, at) + (text[at] === 'a' ? 'b' : 'a') + text.slice(at + 1), 'latin1');
  t.notOk(openssl(tampered).ok, 'openssl refuses a receipt with one byte changed');
  t.equal((await hub.request('000.00.00.H29', 'GET', `/v1/messages/${id}/receipt`)).status, 404, 'not for other agencies');

  const inbox = (await hub.request(H41, 'GET', '/v1/inbox')).json<{ entries: { deliveryId: string }[] }>();
  const deliveryId = inbox.entries[0]!.deliveryId;
  const early = await hub.request(H41, 'GET', `/v1/deliveries/${deliveryId}/receipt`);
  t.equal(early.status, 409, 'no delivery receipt before the acknowledgement');
  t.equal((await hub.request(H41, 'POST', `/v1/deliveries/${deliveryId}/ack`, { result: 'done' })).status, 200);
  const dr = await hub.request(G22, 'GET', `/v1/deliveries/${deliveryId}/receipt`);
  t.equal(dr.status, 200);
  const dv = openssl(dr.body);
  t.ok(dv.ok, `openssl accepts the delivery receipt: ${dv.content}`);
  const dc = JSON.parse(dv.content) as { deliveryId: string; recipient: string; sha256: string };
  t.equal(dc.deliveryId, deliveryId);
  t.equal(dc.recipient, H41);
  t.equal(dc.sha256, sha256);
});

t.test('a delivery acknowledged in a batch: its receipt quotes the batch entry that lists it', async (t) => {
  const hub = await startTestHub();
  t.teardown(() => hub.close());
  await hub.setAgency(G22, { signaturePolicy: 'lenient' });
  for (const n of [1, 2]) {
    const bytes = buildEdoc({ from: { organId: G22 }, to: [{ organId: H41 }], documentId: `${G22},2026/11/30,${n}/RECEIPT` });
    t.equal((await hub.request(G22, 'POST', '/v1/messages', bytes)).status, 202);
  }
  const ids = (await hub.request(H41, 'GET', '/v1/inbox')).json<{ entries: { deliveryId: string }[] }>().entries.map((e) => e.deliveryId);
  t.equal(ids.length, 2);
  t.equal((await hub.request(H41, 'POST', '/v1/deliveries/ack', { deliveries: ids.map((id) => ({ id, result: 'done' })) })).status, 200);
  const dr = await hub.request(G22, 'GET', `/v1/deliveries/${ids[1]}/receipt`);
  t.equal(dr.status, 200, dr.body.toString().slice(0, 300));
  const dv = openssl(dr.body);
  t.ok(dv.ok, dv.content);
  const content = JSON.parse(dv.content) as { deliveryId: string; log: { seq: string; hash: string } };
  t.equal(content.deliveryId, ids[1]);
  const entry = await hub.tdb.db.query<{ type: string; seq: string; hash: string }>(
    'SELECT e.type, c.seq::text AS seq, c.hash FROM audit_chain c JOIN audit_events e ON e.id = c.event_id WHERE c.seq = $1',
    [content.log.seq],
  );
  t.equal(entry.rows[0]?.type, 'deliveries.acknowledged', 'the log position is the batch acknowledgement');
  t.equal(entry.rows[0]?.hash, content.log.hash);
});
