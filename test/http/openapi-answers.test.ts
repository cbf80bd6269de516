/**
 * The OpenAPI document (/docs/json) says what the hub does. It used to disagree:
 *  - every /axis operation documented its 401 with the /v1 error schema
 *    `{error:{code,message}}`, but the axis answers `{status:"FAIL",ErrorCode,ErrorDesc}`;
 *  - POST /axis/sendEdoc had no requestBody, though it takes the edXML bytes;
 *  - tracking, the single acknowledgement and both receipts documented no
 *    success answer (`produces` is a Swagger 2 field that OpenAPI 3 output ignores).
 */
import t from 'tap';
import { startTestHub } from '../helpers/test-hub.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- a walk over a parsed JSON document

t.test('OpenAPI matches the answers', async (t) => {
  const hub = await startTestHub();
  t.teardown(() => hub.close());
  const doc = (await hub.request(null, 'GET', '/docs/json')).json<Json>();
  const op = doc.paths['/axis/getAgenciesList'].get as Json;
  const documented = (op.responses['401'].content['application/json'].schema as Json).properties ?? {};
  const actual = (await hub.request(null, 'GET', '/axis/getAgenciesList')).json<Json>();
  t.equal(actual.ErrorCode, 'axis.unauthenticated');
  for (const key of Object.keys(actual)) t.ok(key in documented, `the documented axis 401 body has "${key}" (documented: ${Object.keys(documented).join(',')})`);
  const send = doc.paths['/axis/sendEdoc'].post as Json;
  t.ok(send.requestBody?.content?.['application/xml'], 'sendEdoc documents its edXML request body');

  for (const [path, method] of [
    ['/v1/messages/{id}/tracking', 'get'],
    ['/v1/deliveries/{id}/ack', 'post'],
    ['/v1/messages/{id}/receipt', 'get'],
    ['/v1/deliveries/{id}/receipt', 'get'],
  ] as const) {
    const codes = Object.keys((doc.paths[path][method] as Json).responses);
    t.ok(codes.some((c) => c.startsWith('2')), `${method.toUpperCase()} ${path} documents its success answer (documented: ${codes.join(',')})`);
  }
  const receipt = (doc.paths['/v1/messages/{id}/receipt'].get as Json).responses['200'];
  t.ok(receipt?.content?.['message/rfc822'], 'the receipt is documented as message/rfc822');
});
