/**
 * The clerk's console in a real browser (Debian Chromium via playwright-core)
 * against a real hub on PostgreSQL and Redis: the Government Office's clerk
 * signs in with the keyboard, follows a document sent through the API until
 * Nghệ An acknowledges it, downloads its attachment and receipt; Nghệ An's
 * clerk acknowledges another document and sends status 03 from the page; the
 * G22 clerk sees it; another agency's document answers 404; pages pass axe-core.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { buildEdoc } from '../../src/edxml/build-edxml.js';
import { signEdxml } from '../../src/pki/xmldsig/sign-edxml.js';
import { verifyReceipt } from '../../src/pki/receipts/receipt.js';
import { startTestHub, type TestHub } from '../helpers/test-hub.js';
import { testLayout } from '../helpers/test-certs.js';
import { browserSkipReason, launchBrowser, screenshot, seriousViolations, signIn, type TestBrowser } from './helpers/browser.js';
import { addUser, PASSWORD } from './helpers/console-users.js';
import { prng } from '../helpers/prng.js';

const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';
const H14 = '000.00.00.H14';
const next = prng(28);
// Larger than one 64 KiB part, so the download is sent as a stream of parts.
const ATTACHMENT = Buffer.concat([Buffer.from('%PDF-1.4\n% công văn thử nghiệm\n', 'utf8'), Buffer.from(Array.from({ length: 150_000 }, () => Math.floor(next() * 256)))]);

interface Extra {
  dueDate?: string;
  /** 2 = update of an earlier document with the same DocumentId. */
  businessDocType?: 0 | 1 | 2 | 3;
}

function signedDocument(documentId: string, codeNumber: string, subject: string, to: string[], extra: Extra = {}): Buffer {
  const bytes = buildEdoc({
    ...(extra.dueDate ? { dueDate: extra.dueDate } : {}),
    ...(extra.businessDocType ? { business: { businessDocType: extra.businessDocType, businessDocReason: 'Cập nhật nội dung' } } : {}),
    from: { organId: G22, organName: 'Văn phòng Chính phủ' },
    to: to.map((organId) => ({ organId })),
    documentId,
    code: { codeNumber, codeNotation: 'VPCP-TTĐT' },
    promulgationInfo: { place: 'Hà Nội', promulgationDate: '2026/11/20' },
    documentType: { type: '1', typeName: 'Công văn' },
    subject,
    signerInfo: { position: 'Chủ nhiệm', fullName: 'Nguyễn Văn A' },
    otherInfo: { priority: 0 },
    attachments: [{ contentId: 'att1', attachmentName: 'cong-van.pdf', contentType: 'application/pdf', data: ATTACHMENT }],
  });
  const l = testLayout();
  return signEdxml(bytes, { keyPem: readFileSync(l.agencyKey(G22), 'utf8'), certPem: readFileSync(l.agencyCert(G22), 'utf8'), c14n: 'exclusive' });
}

const skip = browserSkipReason();

t.test('clerk console', { skip: skip ?? false }, async (t) => {
  const hub: TestHub = await startTestHub();
  t.teardown(() => hub.close());
  const browser: TestBrowser = await launchBrowser();
  t.teardown(() => browser.close());
  const db = hub.hub.services.db;
  await addUser(db, 'vanthu.g22', 'clerk', G22);
  await addUser(db, 'vanthu.h41', 'clerk', H41);

  const send = async (bytes: Buffer): Promise<string> => {
    const r = await hub.request(G22, 'POST', '/v1/messages', bytes);
    t.equal(r.status, 202, 'accepted through the API');
    return r.json<{ id: string }>().id;
  };
  const docA = await send(signedDocument('000.00.00.G22,2026/11/20,101/VPCP-TTĐT', '101', 'Về việc triển khai trục liên thông', [H41, H14]));
  const docB = await send(signedDocument('000.00.00.G22,2026/11/20,102/VPCP-TTĐT', '102', 'Về việc báo cáo số liệu quý IV', [H41]));
  const docC = await send(signedDocument('000.00.00.G22,2026/11/20,103/VPCP-TTĐT', '103', 'Gửi riêng Cao Bằng', [H14]));
  // Due long ago and never completed: overdue for both sides.
  const docD = await send(signedDocument('000.00.00.G22,2026/01/02,5/VPCP-TTĐT', '5', 'Báo cáo đã quá hạn giải quyết', [H41], { dueDate: '2026/01/05' }));

  // A client certificate is not a console session; the console stays out of the OpenAPI document.
  const withCert = await hub.request(G22, 'GET', '/console/sent');
  t.same([withCert.status, withCert.headers.location], [303, '/console/login'], "an agency's certificate does not sign anyone in");
  t.equal((await hub.request(null, 'GET', '/console/static/console.css')).status, 200, 'the stylesheet needs no session');
  const openapi = (await hub.request(null, 'GET', '/docs/json')).json<{ paths: Record<string, unknown> }>();
  t.same(Object.keys(openapi.paths).filter((p) => p.startsWith('/console')), [], 'console pages are not API');
  const headers = (await hub.request(null, 'GET', '/console/login')).headers;
  t.match(headers['content-security-policy'], /default-src 'none'/, 'strict CSP');
  t.match(String(headers['set-cookie']), /Path=\/console; HttpOnly; Secure; SameSite=Strict/, 'cookie attributes');

  // --- The Government Office's clerk ---
  const g22 = await (await browser.context()).newPage();
  await g22.goto(`${hub.url}/console/login`);
  t.equal(await g22.locator(':focus').getAttribute('id'), 'username', 'the sign-in page starts in the username field');
  await g22.getByLabel('Mật khẩu').focus();
  await g22.keyboard.press('Tab');
  t.not(await g22.locator(':focus').evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { outlineStyle: string } }).getComputedStyle(el).outlineStyle), 'none', 'keyboard focus is visible');
  t.same(await seriousViolations(g22), [], 'sign-in page: no serious or critical axe violations');
  await screenshot(g22, 'login');
  await signIn(g22, hub.url, 'vanthu.g22', PASSWORD);
  t.match(new URL(g22.url()).pathname, '/console/sent', 'keyboard sign-in lands on the Sent list');
  const rowA = g22.locator('tr', { has: g22.getByRole('link', { name: 'Về việc triển khai trục liên thông' }) });
  t.equal(await rowA.count(), 1, 'the document sent through the API is listed');
  t.match(await rowA.locator(`li[data-recipient="${H41}"]`).innerText(), /Chờ nơi nhận tải/, 'waiting for Nghệ An to pick it up');
  t.same(await seriousViolations(g22), [], 'Sent page: no serious or critical axe violations');

  // Nghệ An's system acknowledges document A through the API.
  const inbox = (await hub.request(H41, 'GET', '/v1/inbox')).json<{ entries: { deliveryId: string; message: { id: string } }[] }>();
  const deliveryA = inbox.entries.find((e) => e.message.id === docA)!.deliveryId;
  t.equal((await hub.request(H41, 'POST', `/v1/deliveries/${deliveryA}/ack`, { result: 'done' })).status, 200);

  await g22.reload();
  t.match(await rowA.locator(`li[data-recipient="${H41}"]`).innerText(), /Đã nhận/, 'acknowledged by Nghệ An at a glance');
  t.match(await rowA.locator(`li[data-recipient="${H14}"]`).innerText(), /Chờ nơi nhận tải/, 'Cao Bằng has not picked it up');
  await screenshot(g22, 'clerk-sent');

  // Search: by code, by subject, by recipient.
  await g22.getByLabel('Số, ký hiệu').fill('102');
  await g22.getByRole('button', { name: 'Tìm', exact: true }).click();
  t.equal(await g22.locator('tbody tr').count(), 1, 'search by code finds one document');
  t.equal(await g22.getByRole('link', { name: 'Về việc báo cáo số liệu quý IV' }).count(), 1);
  await g22.goto(`${hub.url}/console/sent?counterpart=${H14}`);
  t.equal(await g22.locator('tbody tr').count(), 2, 'two documents went to Cao Bằng');

  // The document page: header, signature verdict, attachment, timeline, receipt.
  await g22.goto(`${hub.url}/console/documents/${docA}`);
  const main = g22.locator('main');
  t.match(await main.innerText(), /101\/VPCP-TTĐT/, 'code and notation');
  t.match(await main.innerText(), /Có chữ ký số hợp lệ/, 'signature verdict in words');
  const h41Section = g22.locator(`section.recipient[data-recipient="${H41}"]`);
  const timeline = await h41Section.innerText();
  t.match(timeline, /Hub tiếp nhận/, 'timeline: accepted');
  t.match(timeline, /Xếp hàng gửi/, 'timeline: queued');
  t.match(timeline, /Nơi nhận xác nhận đã nhận.*bởi 000\.00\.00\.H41/s, 'timeline: acknowledged, by whom');
  t.match(timeline, /\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/, 'times in dd/MM/yyyy HH:mm');
  t.same(await seriousViolations(g22), [], 'document page: no serious or critical axe violations');
  await screenshot(g22, 'clerk-document');

  const [attachment] = await Promise.all([g22.waitForEvent('download'), g22.getByRole('link', { name: /cong-van\.pdf/ }).click()]);
  t.equal(attachment.suggestedFilename(), 'cong-van.pdf');
  t.ok(readFileSync((await attachment.path())!).equals(ATTACHMENT), 'the attachment decodes to the bytes that were sent');

  const receiptLink = g22.getByRole('link', { name: 'Biên nhận tiếp nhận' });
  t.equal(await receiptLink.count(), 1, 'receipt link present');
  t.match(await main.innerText(), /edoc-hub receipt verify/, 'one line on how to verify it');
  const [receipt] = await Promise.all([g22.waitForEvent('download'), receiptLink.click()]);
  const receiptBytes = readFileSync((await receipt.path())!);
  t.match(receiptBytes.toString('utf8'), /multipart\/signed/, 'the receipt is an S/MIME signed file');
  const verified = verifyReceipt(receiptBytes, readFileSync(testLayout().caCert, 'utf8'));
  t.ok(verified.ok, 'it verifies offline against the hub CA');
  t.match(verified.ok ? verified.content : null, { messageId: docA, from: G22 }, 'about this message');

  const deliveryReceiptHref = await h41Section.getByRole('link', { name: 'Biên nhận giao nhận' }).getAttribute('href');
  const direct = await g22.context().request.get(`${hub.url}${deliveryReceiptHref}`);
  t.equal(direct.status(), 200, `delivery receipt: ${direct.status() === 200 ? 'ok' : (await direct.text()).slice(0, 300)}`);
  const [deliveryReceipt] = await Promise.all([g22.waitForEvent('download'), h41Section.getByRole('link', { name: 'Biên nhận giao nhận' }).click()]);
  t.match(readFileSync((await deliveryReceipt.path())!, 'utf8'), new RegExp(deliveryA), "Nghệ An's acknowledgement has its own signed receipt");
  t.equal(await g22.locator(`section.recipient[data-recipient="${H14}"]`).getByRole('link', { name: 'Biên nhận giao nhận' }).count(), 0, 'no delivery receipt before an acknowledgement');

  // Another agency's document by URL: 404, the same as a document that does not exist.
  const h41Context = await browser.context();
  const h41 = await h41Context.newPage();
  await signIn(h41, hub.url, 'vanthu.h41', PASSWORD);
  const other = await h41.goto(`${hub.url}/console/documents/${docC}`);
  t.equal(other?.status(), 404, "a clerk cannot open another agency's document");
  t.equal((await h41.goto(`${hub.url}/console/documents/${docC}/attachments/0`))?.status(), 404, 'nor its attachment');
  t.equal((await h41.goto(`${hub.url}/console/documents/00000000-0000-4000-8000-000000000000`))?.status(), 404, 'same answer as for no document');

  // --- Nghệ An's clerk: received list, acknowledge and status 03 from the page ---
  await h41.goto(`${hub.url}/console/received`);
  t.equal(await h41.getByRole('link', { name: 'Về việc báo cáo số liệu quý IV' }).count(), 1, 'document B is in the received list');
  t.same(await seriousViolations(h41), [], 'Received page: no serious or critical axe violations');
  await screenshot(h41, 'clerk-received');
  await h41.getByRole('link', { name: 'Về việc báo cáo số liệu quý IV' }).click();
  await h41.getByRole('button', { name: /Xác nhận/ }).click();
  t.match(await h41.locator('[role=status]').innerText(), /Đã xác nhận/, 'acknowledged from the page');
  await h41.getByLabel('Trạng thái', { exact: true }).selectOption('03');
  await h41.getByRole('button', { name: 'Gửi trạng thái' }).click();
  t.match(await h41.locator('[role=status]').innerText(), /03 Đã tiếp nhận/, 'status 03 sent from the page');
  t.same(await seriousViolations(h41), [], 'document page with forms: no serious or critical axe violations');

  // A refusal without a reason is refused; a forged form without the CSRF token too.
  await h41.getByLabel('Trạng thái', { exact: true }).selectOption('02');
  await h41.getByRole('button', { name: 'Gửi trạng thái' }).click();
  t.match(await h41.locator('main').innerText(), /console\.reason_required/, '02 needs a reason');
  const forged = await h41Context.request.post(`${hub.url}/console/documents/${docB}/status`, { form: { code: '05' }, maxRedirects: 0 });
  t.equal(forged.status(), 403, 'no CSRF token, no status');

  // The G22 clerk sees Nghệ An's acknowledgement and status 03.
  await g22.goto(`${hub.url}/console/documents/${docB}`);
  const seen = await g22.locator(`section.recipient[data-recipient="${H41}"]`).innerText();
  t.match(seen, /Đã nhận/, 'acknowledged');
  t.match(seen, /03 Đã tiếp nhận.*bởi 000\.00\.00\.H41 \(vanthu\.h41\)/s, 'status 03, by the Nghệ An clerk');
  const statusRows = await db.query<{ signature: { status: string } }>("SELECT signature FROM messages WHERE kind = 'status' AND from_organ = $1", [H41]);
  t.same(statusRows.rows.map((r) => r.signature.status), ['valid'], 'the status message carries the hub signature, verified at acceptance');

  // Overdue: highlighted in the Sent list, listed on the Overdue page for both sides.
  await g22.goto(`${hub.url}/console/sent`);
  const rowD = g22.locator('tr', { has: g22.getByRole('link', { name: 'Báo cáo đã quá hạn giải quyết' }) });
  t.equal(await rowD.getAttribute('class'), 'overdue', 'the overdue document is highlighted');
  t.equal(await g22.locator('tr.overdue').count(), 1, 'and only it');
  await g22.goto(`${hub.url}/console/overdue`);
  const sentOverdue = g22.locator('section[aria-labelledby="h-sent"]');
  t.equal(await sentOverdue.getByRole('link', { name: 'Báo cáo đã quá hạn giải quyết' }).count(), 1, 'sent side: overdue');
  t.match(await sentOverdue.innerText(), /Quá hạn giải quyết \(05\/01\/2026 23:59\)/, 'which deadline, when');
  t.same(await seriousViolations(g22), [], 'Overdue page: no serious or critical axe violations');
  await screenshot(g22, 'clerk-overdue');
  await h41.goto(`${hub.url}/console/overdue`);
  t.equal(await h41.locator('section[aria-labelledby="h-received"]').getByRole('link', { name: 'Báo cáo đã quá hạn giải quyết' }).count(), 1, 'received side: overdue');
  t.ok(docD);

  // An update of document A links both ways.
  const update = await send(signedDocument('000.00.00.G22,2026/11/20,101/VPCP-TTĐT', '101', 'Về việc triển khai trục liên thông (cập nhật)', [H41, H14], { businessDocType: 2 }));
  await g22.goto(`${hub.url}/console/documents/${docA}`);
  await g22.locator('section[aria-labelledby="h-links"]').getByRole('link').click();
  t.match(new URL(g22.url()).pathname, `/console/documents/${update}`, 'the original links to its update');
  t.match(await g22.locator('section[aria-labelledby="h-links"]').innerText(), /Văn bản gốc: 101\/VPCP-TTĐT · Văn bản mới/, 'the update links to its original');
  t.match(await g22.locator('main').innerText(), /Nghiệp vụ\s+Cập nhật/, 'business type in words');
  await g22.goto(`${hub.url}/console/sent?lang=en`);
  t.equal(await g22.locator('h1').innerText(), 'Sent documents', 'English on request');
  await g22.goto(`${hub.url}/console/received`);
  t.equal(await g22.locator('h1').innerText(), 'Received documents', 'the language choice is remembered');
  t.equal(await g22.locator('html').getAttribute('lang'), 'en');
  await g22.goto(`${hub.url}/console/documents/${docA}`);
  const english = await g22.locator('body').innerText();
  t.match(english, /Timeline per recipient[\s\S]*Acknowledged by the recipient/, 'the document page in English');
  t.notMatch(english, /Trích yếu|Diễn biến|Tệp đính kèm|Đăng xuất/, 'no Vietnamese labels left in English (document content stays as written)');

  // A clerk is not an auditor; signing out ends the session.
  t.equal((await g22.goto(`${hub.url}/console/audit`))?.status(), 403, 'clerks do not read the whole log');
  await g22.goto(`${hub.url}/console/sent`);
  await g22.getByRole('button', { name: 'Sign out' }).click();
  t.match(new URL(g22.url()).pathname, '/console/login');
  await g22.goto(`${hub.url}/console/sent`);
  t.match(new URL(g22.url()).pathname, '/console/login', 'signed out: back to the sign-in page');
});
