/**
 * The hub end to end on real PostgreSQL and Redis over mutual TLS: the
 * Government Office sends the replacement document to Nghệ An (pull), Cao Bằng
 * (push endpoint failing twice, then taking it) and G17 (push endpoint that
 * never takes it); statuses 01 and 03 flow back; tracking shows all of it.
 */
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { buildStatus } from '../../src/edxml/build-edxml.js';
import { startTestHub, type TestHub } from '../helpers/test-hub.js';
import { startPushEndpoint } from '../helpers/push-endpoint.js';
import { until } from '../helpers/until.js';
import { repairSenderNotices } from '../../src/exchange/notify-sender.js';

const corpusFile = new URL('../../../shared/corpus/real/vpcp-sdk-edoc_replacement.edxml', import.meta.url);
const fixtureFile = new URL('../fixtures/edxml/edoc-replacement.edxml', import.meta.url);
const replacement = readFileSync(existsSync(corpusFile) ? corpusFile : fixtureFile);
const DOC_ID = '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT';
const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';
const H14 = '000.00.00.H14';
const G17 = '000.00.00.G17';

function status(code: '01' | '03', from = H41): Buffer {
  return buildStatus({
    from: { organId: from, organName: 'UBND tỉnh Nghệ An' },
    responseFor: { organId: G22, documentId: DOC_ID, code: '7816/VPCP-TTĐT' },
    statusCode: code,
    description: code === '01' ? 'Đã đến' : 'Đã tiếp nhận',
    staffInfo: { department: 'Văn thư', staff: 'Nguyễn Thị Ngọc Trâm' },
  });
}

t.test('send, push with retries, pull, ack, statuses and tracking', async (t) => {
  const flaky = await startPushEndpoint((n) => (n <= 2 ? 503 : 200));
  const dead = await startPushEndpoint(() => 503);
  const hub: TestHub = await startTestHub();
  t.teardown(async () => {
    await hub.close();
    await flaky.close();
    await dead.close();
  });
  // Signatures are covered by the pki tests; here the senders accept unsigned/unchecked messages.
  await hub.setAgency(G22, { signaturePolicy: 'lenient' });
  await hub.setAgency(H41, { signaturePolicy: 'lenient' });
  await hub.setAgency(H14, { delivery: { mode: 'push', endpoint: flaky.url } });
  await hub.setAgency(G17, { delivery: { mode: 'push', endpoint: dead.url } });

  const sent = await hub.request(G22, 'POST', '/v1/messages', replacement);
  t.equal(sent.status, 202, sent.body.toString());
  const accepted = sent.json<{ id: string; sha256: string; to: string[]; documentId: string; kind: string }>();
  t.same(accepted.to, [H41, H14, G17]);
  t.equal(accepted.documentId, DOC_ID);
  t.equal(accepted.sha256, createHash('sha256').update(replacement).digest('hex'));

  // Idempotent resubmission: the first answer, no second delivery.
  const again = await hub.request(G22, 'POST', '/v1/messages', replacement);
  t.equal(again.status, 200);
  t.equal(again.json<{ id: string }>().id, accepted.id);

  // Nghệ An pulls: inbox → exact bytes → ack.
  const inbox = await hub.request(H41, 'GET', '/v1/inbox');
  t.equal(inbox.status, 200);
  const entries = inbox.json<{ entries: { deliveryId: string; message: { id: string } }[] }>().entries;
  t.equal(entries.length, 1, 'one delivery for Nghệ An despite the resubmission');
  t.equal(entries[0]!.message.id, accepted.id);
  const fetched = await hub.request(H41, 'GET', `/v1/messages/${accepted.id}`);
  t.equal(fetched.status, 200);
  t.ok(fetched.body.equals(replacement), 'the exact bytes as submitted');
  const ack = await hub.request(H41, 'POST', `/v1/deliveries/${entries[0]!.deliveryId}/ack`, { result: 'done' });
  t.equal(ack.status, 200, ack.body.toString());
  t.equal(ack.json<{ state: string }>().state, 'acknowledged');
  t.equal((await hub.request(H41, 'GET', '/v1/inbox')).json<{ entries: unknown[] }>().entries.length, 0, 'inbox empty after ack');

  // Cao Bằng's endpoint fails twice, then takes it exactly once.
  await until('push to Cao Bằng', async () => flaky.received.length === 1);
  t.equal(flaky.requests, 3);
  t.ok(flaky.received[0]!.body.equals(replacement));
  t.equal(flaky.received[0]!.messageId, accepted.id);
  t.match(flaky.received[0]!.clientSubject, /hub/i, 'the hub presents its client certificate');

  // G17 never answers 2xx: undeliverable after the configured attempts.
  const tracking = await until('G17 undeliverable', async () => {
    const tr = (await hub.request(G22, 'GET', `/v1/messages/${accepted.id}/tracking`)).json<{
      recipients: { recipient: string; delivery: { state: string; attempts: number; lastError: string | null } }[];
    }>();
    return tr.recipients.find((r) => r.recipient === G17)?.delivery.state === 'undeliverable' ? tr : null;
  });
  const g17 = tracking.recipients.find((r) => r.recipient === G17)!;
  t.equal(g17.delivery.attempts, 4);
  t.match(g17.delivery.lastError, /503/);
  t.equal(dead.received.length, 0);

  // Statuses 01 and 03 from Nghệ An route back to the Government Office.
  for (const code of ['01', '03'] as const) {
    const r = await hub.request(H41, 'POST', '/v1/messages', status(code));
    t.equal(r.status, 202, r.body.toString());
    t.same(r.json<{ to: string[] }>().to, [G22]);
  }
  const g22Inbox = (await hub.request(G22, 'GET', '/v1/inbox')).json<{ entries: { message: { kind: string; statusCode: string; from: string; signature: { status: string } } }[] }>();
  const notice = g22Inbox.entries.find((e) => e.message.from === 'edoc-hub');
  t.ok(notice, 'the hub told the sender that G17 is undeliverable');
  t.equal(notice?.message.statusCode, '02');
  t.equal(notice?.message.signature.status, 'valid', 'the notice is signed by the hub');
  t.same(
    g22Inbox.entries.filter((e) => e.message.from === H41).map((e) => e.message.statusCode),
    ['01', '03'],
    'statuses wait in the sender inbox',
  );

  const final = (await hub.request(G22, 'GET', `/v1/messages/${accepted.id}/tracking`)).json<{
    message: { id: string; businessDocType: number };
    recipients: { recipient: string; businessStatus: string | null; statuses: { code: string }[]; delivery: { id: string; mode: string; state: string }; deadlines: { receiptOverdue: boolean } | null }[];
  }>();
  t.equal(final.message.businessDocType, 3);
  const byRecipient = Object.fromEntries(final.recipients.map((r) => [r.recipient, r]));
  t.equal(byRecipient[H41]!.delivery.state, 'acknowledged');
  t.same(byRecipient[H41]!.statuses.map((s) => s.code), ['01', '03']);
  t.equal(byRecipient[H41]!.businessStatus, '03');
  t.equal(byRecipient[H14]!.delivery.state, 'acknowledged');
  t.equal(byRecipient[G17]!.delivery.state, 'undeliverable');
  t.ok(byRecipient[H41]!.deadlines, 'deadlines computed for a delivered document');

  // A recipient sees only its own copy in tracking; other agencies see nothing.
  const asH41 = (await hub.request(H41, 'GET', `/v1/messages/${accepted.id}/tracking`)).json<{ recipients: { recipient: string }[] }>();
  t.same(asH41.recipients.map((r) => r.recipient), [H41]);
  t.equal((await hub.request('000.00.00.H29', 'GET', `/v1/messages/${accepted.id}`)).status, 404);
  t.equal((await hub.request('000.00.00.H29', 'GET', `/v1/messages/${accepted.id}/tracking`)).status, 404);

  // Every step is in the exchange log.
  const events = await hub.tdb.db.query<{ type: string; n: string }>(
    'SELECT type, count(*)::text AS n FROM audit_events WHERE message_id = $1 GROUP BY type ORDER BY type',
    [accepted.id],
  );
  const byType = Object.fromEntries(events.rows.map((e) => [e.type, Number(e.n)]));
  t.equal(byType['message.accepted'], 1, 'accepted once (the resubmission adds nothing)');
  t.equal(byType['delivery.queued'], undefined, 'no queued entries: the acceptance lists its deliveries');
  const acceptedData = await hub.tdb.db.query<{ deliveries: { deliveryId: string; recipient: string; mode: string; state: string }[] }>(
    "SELECT data->'deliveries' AS deliveries FROM audit_events WHERE message_id = $1 AND type = 'message.accepted'",
    [accepted.id],
  );
  const listed = acceptedData.rows[0]!.deliveries;
  t.same(
    listed.map((d) => [d.recipient, d.deliveryId, d.mode]).sort(),
    [H14, H41, G17].map((r) => [r, byRecipient[r]!.delivery.id, byRecipient[r]!.delivery.mode]).sort(),
    'message.accepted names each delivery it created, with its recipient and mode',
  );
  t.equal(byType['delivery.fetched'], 1);
  t.equal(byType['delivery.acknowledged'], 1);
  t.equal(byType['delivery.pushed'], 1);
  t.ok((byType['delivery.retried'] ?? 0) >= 2 + 3, 'two failed pushes to Cao Bằng, three to G17 before giving up');
  t.equal(byType['delivery.undeliverable'], 1);
  const routed = await hub.tdb.db.query("SELECT 1 FROM audit_events WHERE type = 'status.routed'");
  t.ok(routed.rowCount >= 3, 'statuses 01, 03 and the hub notice are logged as routed');

  // The sent list summarises each recipient.
  const sentList = (await hub.request(G22, 'GET', '/v1/sent')).json<{ entries: { message: { id: string }; recipients: { state: string }[] }[] }>();
  t.equal(sentList.entries[0]!.message.id, accepted.id);
  t.equal(sentList.entries[0]!.recipients.length, 3);
});

t.test('every refusal has its status and code and leaves nothing behind', async (t) => {
  const hub = await startTestHub();
  t.teardown(() => hub.close());
  await hub.setAgency(G22, { signaturePolicy: 'lenient' });
  await hub.setAgency(H41, { signaturePolicy: 'lenient' });
  const count = async (): Promise<number> => Number((await hub.tdb.db.query<{ n: string }>('SELECT count(*) AS n FROM messages')).rows[0]!.n);

  const cases: [string, string | null, Buffer | string | object, number, string, Record<string, string>?][] = [
    ['not XML', G22, 'hello', 400, 'edxml.not_well_formed'],
    ['empty body', G22, Buffer.alloc(0), 400, 'edxml.empty'],
    ['From is another agency', H41, replacement, 403, 'exchange.from_mismatch'],
    ['JSON instead of XML', G22, { a: 1 }, 415, 'http.unsupported_media_type'],
    ['no client certificate', null, replacement, 401, 'auth.no_client_certificate'],
    ['status about a document never received', H41, status('01'), 422, 'exchange.unknown_document'],
  ];
  for (const [name, as, body, code, errorCode] of cases) {
    const r = await hub.request(as, 'POST', '/v1/messages', body);
    t.equal(r.status, code, `${name}: HTTP ${code}`);
    t.equal(r.json<{ error: { code: string } }>().error.code, errorCode, `${name}: ${errorCode}`);
  }
  const unknownRecipient = replacement.toString('utf8').replace('<edXML:OrganId>000.00.00.G17</edXML:OrganId>', '<edXML:OrganId>999.99.99.Z99</edXML:OrganId>');
  const ur = await hub.request(G22, 'POST', '/v1/messages', unknownRecipient);
  t.equal(ur.status, 422);
  t.equal(ur.json<{ error: { code: string; organId: string } }>().error.organId, '999.99.99.Z99', 'names the unknown recipient');
  t.equal(await count(), 0, 'no message row after refusals');
  t.equal(Number((await hub.tdb.db.query<{ n: string }>('SELECT count(*) AS n FROM deliveries')).rows[0]!.n), 0, 'no delivery row');

  // An agency's own limit (its directory entry), checked before the document is read: even bytes that are not XML get 413.
  await hub.setAgency(G22, { limits: { maxMessageBytes: 100_000 } });
  for (const body of [replacement, Buffer.alloc(100_001, 'x')]) {
    const over = await hub.request(G22, 'POST', '/v1/messages', body);
    t.equal(over.status, 413, over.body.toString());
    t.match(over.json<{ error: { code: string; organId: string; message: string } }>().error, {
      code: 'exchange.too_large',
      organId: G22,
      message: `the message is ${body.length} bytes; ${G22} may send at most 100000`,
    });
  }
  await hub.setAgency(G22, { limits: {} });
  t.equal(await count(), 0, 'no message row after the size refusals');

  const small = await startTestHub({ EDOC_MAX_MESSAGE_BYTES: '4096' });
  t.teardown(() => small.close());
  const big = await small.request(G22, 'POST', '/v1/messages', replacement);
  t.equal(big.status, 413);
  t.equal(big.json<{ error: { code: string } }>().error.code, 'exchange.too_large');

  // Every refusal is counted by code and, when an agency made it, in the exchange log: also those made
  // before the document is read (Content-Type, the hub's size limit, no certificate).
  const rejected = async (h: typeof hub, code: string): Promise<number> =>
    Number((await h.request(null, 'GET', '/metrics')).body.toString().match(new RegExp(`^edoc_hub_messages_rejected_total\\{code="${code.replace('.', '\\.')}"\\} (\\d+)$`, 'm'))?.[1] ?? 0);
  const logged = async (h: typeof hub, code: string): Promise<{ actor: string; size: number | null }[]> =>
    (
      await h.tdb.db.query<{ actor: string; size: number | null }>(
        "SELECT actor, (data->>'size')::int AS size FROM audit_events WHERE type = 'message.rejected' AND data->>'code' = $1",
        [code],
      )
    ).rows;
  t.equal(await rejected(hub, 'http.unsupported_media_type'), 1, 'the 415 is counted');
  t.same(await logged(hub, 'http.unsupported_media_type'), [{ actor: G22, size: 7 }], 'and logged with its caller and size');
  t.equal(await rejected(hub, 'auth.no_client_certificate'), 1, 'the 401 is counted');
  t.same(await logged(hub, 'auth.no_client_certificate'), [], 'but not logged: no agency made it');
  t.equal(await rejected(hub, 'edxml.not_well_formed'), 1, "the reader's refusal is counted once");
  t.equal(await rejected(hub, 'exchange.too_large'), 2, "the agency's limit: counted once each");
  t.equal(await rejected(small, 'exchange.too_large'), 1, "the hub's limit is counted");
  t.same(await logged(small, 'exchange.too_large'), [{ actor: G22, size: replacement.length }], 'and logged');

  // A DocumentId reused for different content is a conflict unless it is an update/replacement/recall.
  const first = await hub.request(G22, 'POST', '/v1/messages', replacement.toString('utf8').replace(/<edXML:BussinessDocType>3</, '<edXML:BussinessDocType>0<'));
  t.equal(first.status, 202, first.body.toString());
  const changed = replacement
    .toString('utf8')
    .replace(/<edXML:BussinessDocType>3</, '<edXML:BussinessDocType>0<')
    .replace(/<edXML:Subject>/, '<edXML:Subject>SỬA ');
  const conflict = await hub.request(G22, 'POST', '/v1/messages', changed);
  t.equal(conflict.status, 409);
  t.equal(conflict.json<{ error: { code: string } }>().error.code, 'exchange.document_id_conflict');
  const update = await hub.request(G22, 'POST', '/v1/messages', replacement);
  t.equal(update.status, 202, 'a replacement under the same DocumentId is accepted');
  const tr = (await hub.request(G22, 'GET', `/v1/messages/${update.json<{ id: string }>().id}/tracking`)).json<{ original: { id: string } | null }>();
  t.equal(tr.original?.id, first.json<{ id: string }>().id, 'the replacement is linked to the original');
});

t.test('a "fail" acknowledgement is reported to the sender once', async (t) => {
  const hub = await startTestHub();
  t.teardown(() => hub.close());
  await hub.setAgency(G22, { signaturePolicy: 'lenient' });
  const sent = await hub.request(G22, 'POST', '/v1/messages', replacement);
  t.equal(sent.status, 202);
  const entry = (await hub.request(H41, 'GET', '/v1/inbox')).json<{ entries: { deliveryId: string }[] }>().entries[0]!;
  const failed = await hub.request(H41, 'POST', `/v1/deliveries/${entry.deliveryId}/ack`, { result: 'fail', reason: 'tệp đính kèm hỏng' });
  t.equal(failed.status, 200);
  t.equal(failed.json<{ state: string; ackReason: string }>().state, 'failed');
  const again = await hub.request(H41, 'POST', `/v1/deliveries/${entry.deliveryId}/ack`, { result: 'fail', reason: 'tệp đính kèm hỏng' });
  t.equal(again.status, 200, 'repeating the same acknowledgement is harmless');
  const conflicting = await hub.request(H41, 'POST', `/v1/deliveries/${entry.deliveryId}/ack`, { result: 'done' });
  t.equal(conflicting.status, 409);
  t.equal((await hub.request(G22, 'POST', `/v1/deliveries/${entry.deliveryId}/ack`, { result: 'done' })).status, 404, 'only the recipient acknowledges');
  const inbox = (await hub.request(G22, 'GET', '/v1/inbox')).json<{ entries: { message: { from: string; statusCode: string; subject: string } }[] }>();
  const notices = inbox.entries.filter((e) => e.message.from === 'edoc-hub');
  t.equal(notices.length, 1, 'one notice');
  t.match(notices[0]!.message.subject, /tệp đính kèm hỏng/);
  t.equal(await dueNotices(hub), 0, 'and none left due');
});

const dueNotices = async (hub: TestHub): Promise<number> => Number((await hub.tdb.db.query<{ n: string }>('SELECT count(*) AS n FROM notices_due')).rows[0]!.n);

t.test('a failure notice that a crash left unsent is sent by the repair, once', async (t) => {
  const hub = await startTestHub();
  t.teardown(() => hub.close());
  await hub.setAgency(G22, { signaturePolicy: 'lenient' });
  t.equal((await hub.request(G22, 'POST', '/v1/messages', replacement)).status, 202);
  const entry = (await hub.request(H41, 'GET', '/v1/inbox')).json<{ entries: { deliveryId: string }[] }>().entries[0]!;
  // The "fail" acknowledgement committed, then the process died before it made the notice.
  await hub.tdb.db.query("UPDATE deliveries SET state = 'failed', ack_result = 'fail', ack_reason = 'chữ ký số không hợp lệ', acked_at = now() WHERE id = $1", [entry.deliveryId]);
  t.equal(await dueNotices(hub), 1, 'the state change recorded the notice as due');
  t.equal(await repairSenderNotices(hub.hub.services.exchange, 0), 1, 'the repair sent it');
  t.equal(await repairSenderNotices(hub.hub.services.exchange, 0), 0, 'and only once');
  t.equal(await dueNotices(hub), 0);
  const inbox = (await hub.request(G22, 'GET', '/v1/inbox')).json<{ entries: { message: { from: string; statusCode: string; subject: string } }[] }>();
  const notices = inbox.entries.filter((e) => e.message.from === 'edoc-hub');
  t.equal(notices.length, 1, 'the sender has one notice');
  t.match(notices[0]!.message, { statusCode: '02', subject: /chữ ký số không hợp lệ/ });
});

t.test('a resubmission gets its first answer even when the same bytes would now be refused as new', async (t) => {
  const hub = await startTestHub();
  t.teardown(() => hub.close());
  await hub.setAgency(G22, { signaturePolicy: 'lenient' });
  const first = await hub.request(G22, 'POST', '/v1/messages', replacement);
  t.equal(first.status, 202, first.body.toString());
  const id = first.json<{ id: string }>().id;

  // Since then a recipient left the directory and the sender's policy now requires signatures.
  await hub.setAgency(H14, { active: false });
  await hub.setAgency(G22, { signaturePolicy: 'required' });
  const again = await hub.request(G22, 'POST', '/v1/messages', replacement);
  t.equal(again.status, 200, again.body.toString());
  t.match(again.json(), { id, duplicate: true }, 'the first answer');
  const deliveries = await hub.tdb.db.query<{ n: string }>('SELECT count(*) AS n FROM deliveries WHERE message_id = $1', [id]);
  t.equal(Number(deliveries.rows[0]!.n), 3, 'nothing delivered again');

  // Different bytes under another DocumentId are new: refused.
  const other = await hub.request(G22, 'POST', '/v1/messages', replacement.toString('utf8').replaceAll(DOC_ID, `${G22},2026/12/01,9/VPCP`));
  t.equal(other.status, 422, 'a new submission meets the checks as they are now');
  t.equal(other.json<{ error: { code: string } }>().error.code, 'exchange.unknown_recipient');
});
