/**
 * A NUL character (%00 in a query string, \u0000 in a JSON string, a form
 * field) reaches PostgreSQL as a text parameter, which refuses it
 * ("invalid byte sequence for encoding UTF8: 0x00", SQLSTATE 22021): the
 * hub answered 500 where the client sent bad input: now 400 http.invalid_value.
 */
import t from 'tap';
import { buildEdoc } from '../../src/edxml/build-edxml.js';

import { httpsRequest, startTestHub, tlsOf } from '../helpers/test-hub.js';
import { consoleSignIn } from '../console/helpers/console-client.js';

const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';

t.test('NUL characters in input are a 400, not a 500', async (t) => {
  const hub = await startTestHub();
  t.teardown(() => hub.close());
  await hub.setAgency(G22, { signaturePolicy: 'lenient' });
  const doc = buildEdoc({ from: { organId: G22 }, to: [{ organId: H41 }], documentId: `${G22},2026/12/01,1/NUL`, subject: 'x' });
  t.equal((await hub.request(G22, 'POST', '/v1/messages', doc)).status, 202);
  const deliveryId = (await hub.request(H41, 'GET', '/v1/inbox')).json<{ entries: { deliveryId: string }[] }>().entries[0]!.deliveryId;

  const api: [string, string, string, unknown?][] = [
    [G22, 'GET', '/v1/audit/events?documentId=%00'],
    [G22, 'GET', '/v1/audit/events?messageId=%00'],
    ['auditor:auditor-1', 'GET', '/v1/audit/events?organ=%00'],
    ['auditor:auditor-1', 'GET', '/v1/audit/export?documentId=%00'],
    [H41, 'POST', `/v1/deliveries/${deliveryId}/ack`, { result: 'fail', reason: 'a\u0000b' }],
    [H41, 'POST', '/v1/deliveries/ack', { deliveries: [{ id: deliveryId, result: 'fail', reason: 'a\u0000b' }] }],
  ];
  for (const [as, method, path, body] of api) {
    const r = await hub.request(as, method, path, body as object | undefined);
    t.ok(r.status >= 400 && r.status < 500, `${method} ${path}: ${r.status} ${r.body.toString().slice(0, 160)}`);
  }

  const clerk = await consoleSignIn(hub, 'vanthu.g22', 'clerk', G22);
  const auditor = await consoleSignIn(hub, 'kiemtoan', 'auditor', null);
  for (const [who, path] of [
    [clerk, '/console/sent?subject=%00'],
    [clerk, '/console/received?counterpart=%00'],
    [auditor, '/console/audit?documentId=%00'],
  ] as const) {
    const r = await who.get(path);
    t.ok(r.status < 500, `${path}: ${r.status}`);
  }
  // The sign-in form: a NUL in the user name.
  const tls = tlsOf(null);
  const page = await httpsRequest(`${hub.url}/console/login`, tls, 'GET');
  const token = /edoc_login_csrf=([^;]+)/.exec(([] as string[]).concat(page.headers['set-cookie'] ?? []).join(';'))![1]!;
  const login = await httpsRequest(`${hub.url}/console/login`, tls, 'POST', `_csrf=${token}&username=a%00b&password=x`, {
    'content-type': 'application/x-www-form-urlencoded',
    cookie: `edoc_login_csrf=${token}`,
  });
  t.ok(login.status < 500, `sign-in with a NUL in the name: ${login.status}`);
});
