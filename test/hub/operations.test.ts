/** Health, readiness, Prometheus metrics and the OpenAPI document of a running hub. */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { startTestHub } from '../helpers/test-hub.js';

const doc = readFileSync(new URL('../fixtures/edxml/edoc-replacement.edxml', import.meta.url));

t.test('operations endpoints', async (t) => {
  const hub = await startTestHub();
  t.teardown(() => hub.close());
  await hub.setAgency('000.00.00.G22', { signaturePolicy: 'lenient' });

  t.equal((await hub.request(null, 'GET', '/health/live')).status, 200);
  const ready = await hub.request(null, 'GET', '/health/ready');
  t.equal(ready.status, 200);
  t.same(ready.json<{ checks: Record<string, { ok: boolean }> }>().checks, { postgres: { ok: true }, redis: { ok: true } });

  t.equal((await hub.request('000.00.00.G22', 'POST', '/v1/messages', doc)).status, 202);
  t.equal((await hub.request('000.00.00.G22', 'POST', '/v1/messages', 'not xml')).status, 400);
  const metrics = (await hub.request(null, 'GET', '/metrics')).body.toString();
  t.match(metrics, /edoc_hub_messages_accepted_total\{kind="edoc"\} 1/);
  t.match(metrics, /edoc_hub_messages_rejected_total\{code="edxml.not_well_formed"\} 1/);
  t.match(metrics, /edoc_hub_accept_seconds_bucket/);
  t.match(metrics, /edoc_hub_commit_submissions_count 1\b/, 'one group-commit transaction (the refusal never reached one)');
  t.match(metrics, /edoc_hub_commit_seconds_bucket/);
  t.match(metrics, /edoc_hub_queue_jobs\{state="waiting"\}/);

  const openapi = (await hub.request(null, 'GET', '/docs/json')).json<{ openapi: string; paths: Record<string, unknown> }>();
  t.match(openapi.openapi, /^3\./);
  for (const p of ['/v1/messages', '/v1/inbox', '/v1/deliveries/{id}/ack', '/v1/messages/{id}/tracking', '/v1/sent', '/v1/agencies', '/v1/messages/{id}/receipt', '/v1/audit/events']) {
    t.ok(openapi.paths[p], `OpenAPI documents ${p}`);
  }
  // What the route schemas cannot say (src/http/openapi-extras.ts): raw edXML in and out, mutual TLS.
  t.match(openapi, {
    openapi: /^3\.1\./,
    paths: {
      '/v1/messages': { post: { requestBody: { required: true, content: { 'application/xml': { schema: { type: 'string', format: 'binary' } } } } } },
      '/v1/messages/{id}': { get: { responses: { 200: { content: { 'application/xml': {} } }, 404: { content: { 'application/json': {} } } } } },
      '/v1/inbox': { get: { security: [{ mutualTLS: [] }], responses: { 401: { content: { 'application/json': {} } } } } },
      '/axis/sendEdoc': { post: { security: [{ mutualTLS: [] }, { axisSignature: [] }] } },
    },
    components: { securitySchemes: { mutualTLS: { type: 'mutualTLS' }, axisSignature: { type: 'apiKey', in: 'header' } } },
  });
  const live = (openapi as unknown as { paths: Record<string, { get: { security?: unknown; responses: Record<string, unknown> } }> }).paths['/health/live']!.get;
  t.equal(live.security, undefined, 'health needs no certificate');
  t.equal(live.responses['401'], undefined);
  const unknown = await hub.request(null, 'GET', '/v1/nothing-here');
  t.equal(unknown.status, 404);
  t.equal(unknown.json<{ error: { code: string } }>().error.code, 'http.not_found');
  const agencies = await hub.request('000.00.00.H41', 'GET', '/v1/agencies');
  t.ok(agencies.json<{ agencies: { organId: string }[] }>().agencies.some((a) => a.organId === 'vxp.saas.03'));
  t.equal((await hub.request(null, 'GET', '/v1/agencies')).status, 401, 'the directory needs a client certificate');
});
