/**
 * The auditor's and operator's console in a real browser against a real hub:
 * the auditor finds a document's events and exports them (NDJSON and CSV) and
 * sees the chain verified; the operator sees agencies and queue health and
 * retries an undeliverable delivery; five wrong passwords lock an account.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { buildEdoc } from '../../src/edxml/build-edxml.js';
import { signEdxml } from '../../src/pki/xmldsig/sign-edxml.js';
import { waitSealed } from '../../src/audit/wait-sealed.js';
import { EXPORT_KIND } from '../../src/audit/export-format.js';
import { findConsoleUser } from '../../src/store/user-repo.js';
import { startTestHub } from '../helpers/test-hub.js';
import { startPushEndpoint } from '../helpers/push-endpoint.js';
import { testLayout } from '../helpers/test-certs.js';
import { browserSkipReason, launchBrowser, screenshot, seriousViolations, signIn } from './helpers/browser.js';
import { addUser, PASSWORD } from './helpers/console-users.js';
import { until } from '../helpers/until.js';

const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';
const G17 = '000.00.00.G17';
const DOC_ID = '000.00.00.G22,2026/11/21,201/VPCP-KSTT';

function signed(documentId: string, to: string[]): Buffer {
  const l = testLayout();
  return signEdxml(buildEdoc({ from: { organId: G22 }, to: to.map((organId) => ({ organId })), documentId, subject: `Văn bản ${documentId}` }), {
    keyPem: readFileSync(l.agencyKey(G22), 'utf8'),
    certPem: readFileSync(l.agencyCert(G22), 'utf8'),
    c14n: 'exclusive',
  });
}

const skip = browserSkipReason();

t.test('auditor, operator and lock-out', { skip: skip ?? false }, async (t) => {
  const dead = await startPushEndpoint(() => 503);
  t.teardown(() => dead.close());
  const hub = await startTestHub();
  t.teardown(() => hub.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const db = hub.hub.services.db;
  await addUser(db, 'kiemtoan', 'auditor');
  await addUser(db, 'vanhanh', 'operator');
  await addUser(db, 'vanthu.h41', 'clerk', H41);
  await hub.setAgency(G17, { delivery: { mode: 'push', endpoint: dead.url } });

  const sent = await hub.request(G22, 'POST', '/v1/messages', signed(DOC_ID, [H41]));
  t.equal(sent.status, 202, 'document accepted');
  const messageId = sent.json<{ id: string }>().id;
  const other = await hub.request(G22, 'POST', '/v1/messages', signed('000.00.00.G22,2026/11/21,202/VPCP-KSTT', [G17]));
  t.equal(other.status, 202, 'document to the dead push endpoint accepted');
  const inbox = (await hub.request(H41, 'GET', '/v1/inbox')).json<{ entries: { deliveryId: string }[] }>();
  t.equal((await hub.request(H41, 'POST', `/v1/deliveries/${inbox.entries[0]!.deliveryId}/ack`, { result: 'done' })).status, 200, 'acknowledged');
  await waitSealed(db, { messageId, type: 'delivery.acknowledged' });

  // --- Auditor: search by DocumentId, details, export, chain ---
  const auditor = await (await browser.context()).newPage();
  await signIn(auditor, hub.url, 'kiemtoan', PASSWORD);
  t.match(new URL(auditor.url()).pathname, '/console/audit', 'the auditor lands on the log search');
  await auditor.getByLabel('Mã định danh văn bản (DocumentId)').fill(DOC_ID);
  await auditor.getByRole('button', { name: 'Tìm', exact: true }).click();
  const types = await auditor.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-event-type')));
  t.same(types, ['message.accepted', 'delivery.acknowledged'], "the document's events, in order");
  await auditor.getByText('Chi tiết', { exact: true }).last().click();
  t.match(await auditor.locator('tbody tr').last().locator('pre').innerText(), /"result": "done"/, "an event's details");
  t.same(await seriousViolations(auditor), [], 'log search: no serious or critical axe violations');
  await screenshot(auditor, 'auditor-log');

  const [ndjson] = await Promise.all([auditor.waitForEvent('download'), auditor.getByRole('link', { name: 'NDJSON' }).click()]);
  const lines = readFileSync((await ndjson.path())!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; record?: { documentId: string | null; type: string } });
  t.equal(lines[0]!.kind, EXPORT_KIND, 'export header first');
  const entries = lines.filter((l) => l.kind === 'entry').map((l) => l.record!);
  t.same(entries.map((r) => r.type), ['message.accepted', 'delivery.acknowledged'], 'the export carries the events of the filter');
  t.ok(entries.every((r) => r.documentId === DOC_ID), 'and only them in clear');
  const [csv] = await Promise.all([auditor.waitForEvent('download'), auditor.getByRole('link', { name: 'CSV' }).click()]);
  t.match(readFileSync((await csv.path())!, 'utf8'), /delivery\.acknowledged/, 'CSV export');
  const logged = await db.query<{ actor: string }>("SELECT actor FROM audit_events WHERE type = 'audit.exported'");
  t.same(logged.rows.map((r) => r.actor), ['auditor:console:kiemtoan', 'auditor:console:kiemtoan'], 'each export is itself logged, with the person');

  await until('a checkpoint', async () => (await db.query('SELECT 1 FROM audit_checkpoints')).rowCount > 0);
  await auditor.getByRole('link', { name: 'Kiểm tra toàn vẹn' }).click();
  t.equal(await auditor.locator('[data-chain]').getAttribute('data-chain'), 'ok', 'the chain verifies');
  t.match(await auditor.locator('main').innerText(), /Điểm kiểm tra ký gần nhất[\s\S]*seq/, 'with the last signed checkpoint');
  t.same(await seriousViolations(auditor), [], 'chain page: no serious or critical axe violations');
  await screenshot(auditor, 'auditor-chain');
  t.equal((await auditor.goto(`${hub.url}/console/sent`))?.status(), 403, 'an auditor is not a clerk');

  // --- Operator: agencies, queues, retry of an undeliverable delivery ---
  const undeliverable = await until('undeliverable push', async () => {
    const r = await db.query<{ id: string }>("SELECT id FROM deliveries WHERE recipient = $1 AND state = 'undeliverable'", [G17]);
    return r.rows[0]?.id;
  });
  const operator = await (await browser.context()).newPage();
  await signIn(operator, hub.url, 'vanhanh', PASSWORD);
  t.match(new URL(operator.url()).pathname, '/console/queues', 'the operator lands on queue health');
  t.match(await operator.locator('[data-queue="push-delivery"]').innerText(), /failed\s+1/, 'the failed job is counted');
  t.same(await seriousViolations(operator), [], 'queues page: no serious or critical axe violations');
  await screenshot(operator, 'operator-queues');
  await operator.locator(`tr[data-delivery="${undeliverable}"]`).getByRole('button', { name: /Gửi lại/ }).click();
  t.match(await operator.locator('[role=status]').innerText(), /Đã xếp hàng gửi lại/, 'retry confirmed');
  const retried = await db.query<{ actor: string }>("SELECT actor FROM audit_events WHERE type = 'delivery.retried' AND delivery_id = $1 AND actor LIKE 'operator:%'", [undeliverable]);
  t.same(retried.rows, [{ actor: 'operator:vanhanh' }], 'the retry is in the exchange log with the operator');
  await until('the retried delivery to be pushed again', async () => dead.requests > 4);
  t.pass('the push worker tried the delivery again');

  await operator.getByRole('link', { name: 'Cơ quan' }).click();
  t.match(await operator.locator(`tr[data-organ="${G22}"]`).innerText(), /pull[\s\S]*required[\s\S]*\d{2}\/\d{2}\/\d{4}/, 'mode, policy and certificate expiry');
  t.match(await operator.locator(`tr[data-organ="${G17}"]`).innerText(), /push[\s\S]*https:\/\//, 'push endpoint shown');
  t.same(await seriousViolations(operator), [], 'agencies page: no serious or critical axe violations');
  await screenshot(operator, 'operator-agencies');

  // --- Lock-out: five wrong passwords ---
  const page = await (await browser.context()).newPage();
  for (let i = 1; i <= 4; i++) {
    await signIn(page, hub.url, 'vanthu.h41', `sai-mat-khau-${i}`);
    t.match(await page.locator('[role=alert]').innerText(), /không đúng/, `wrong password ${i}: refused`);
  }
  t.same(await seriousViolations(page), [], 'sign-in page with an error: no serious or critical axe violations');
  await screenshot(page, 'login-error');
  await signIn(page, hub.url, 'vanthu.h41', 'sai-mat-khau-5');
  t.match(await page.locator('[role=alert]').innerText(), /tạm khóa/, 'the fifth wrong password locks the account');
  await signIn(page, hub.url, 'vanthu.h41', PASSWORD);
  t.match(await page.locator('[role=alert]').innerText(), /tạm khóa/, 'even the right password is refused while locked');
  t.match(new URL(page.url()).pathname, '/console/login');
  const user = await findConsoleUser(db, 'vanthu.h41');
  t.ok(user?.locked_until && user.locked_until.getTime() > Date.now() + 14 * 60_000, 'locked for 15 minutes');
  await signIn(page, hub.url, 'nobody', PASSWORD);
  t.match(await page.locator('[role=alert]').innerText(), /không đúng/, 'an unknown user gets the same answer as a wrong password');
});
