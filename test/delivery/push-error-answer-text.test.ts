/**
 * A push endpoint's error answer is stored (last_error, up to 200 characters
 * of it) and repeated in the sender's failure notice. Whatever it holds:
 * - U+0001 (XML 1.0 forbids it) once made the notice impossible to build:
 *   never sent, due forever;
 * - a NUL byte (PostgreSQL text refuses it) once failed the transaction that
 *   records the failed attempt: the delivery stayed "pushing" and was pushed
 *   again and again, past EDOC_PUSH_ATTEMPTS, never undeliverable.
 */
import t, { type Test } from 'tap';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildEdoc } from '../../src/edxml/build-edxml.js';
import { startTestHub, type TestHub } from '../helpers/test-hub.js';
import { testLayout } from '../helpers/test-certs.js';
import { until } from '../helpers/until.js';

const G22 = '000.00.00.G22';
const H14 = '000.00.00.H14';

const doc = (n: string): Buffer =>
  buildEdoc({ from: { organId: G22 }, to: [{ organId: H14 }], documentId: `${G22},2026/12/01,${n}/PUSHERR`, subject: `Văn bản ${n}` });

/** An mTLS endpoint that answers every push 503 with `body`. */
async function failingEndpoint(t: Test, body: string): Promise<{ url: string; requests: () => number }> {
  const l = testLayout();
  let requests = 0;
  const server = https.createServer(
    { key: readFileSync(l.serverKey), cert: readFileSync(l.serverCert), ca: readFileSync(l.caCert), requestCert: true, rejectUnauthorized: true },
    (req, res) => {
      req.resume();
      req.on('end', () => {
        requests += 1;
        res.writeHead(503, { 'content-type': 'text/plain' }).end(body);
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/edoc/in`, requests: () => requests };
}

async function notices(hub: TestHub): Promise<{ subject: string }[]> {
  return (await hub.tdb.db.query<{ subject: string }>("SELECT subject FROM messages WHERE generated_by_hub AND status_code = '02'")).rows;
}

async function pushedTo(hub: TestHub): Promise<{ id: string; state: string; attempts: number; last_error: string | null }> {
  const r = await hub.tdb.db.query<{ id: string; state: string; attempts: number; last_error: string | null }>(
    'SELECT id, state, attempts, last_error FROM deliveries WHERE recipient = $1',
    [H14],
  );
  return r.rows[0]!;
}

t.test('an error answer holding U+0001: undeliverable, and the sender is told', async (t) => {
  const ep = await failingEndpoint(t, 'down\u0001for maintenance');
  const hub = await startTestHub({ EDOC_RECONCILE_GRACE_MS: '200' });
  t.teardown(() => hub.close());
  await hub.setAgency(G22, { signaturePolicy: 'lenient' });
  await hub.setAgency(H14, { delivery: { mode: 'push', endpoint: ep.url } });
  t.equal((await hub.request(G22, 'POST', '/v1/messages', doc('1'))).status, 202);
  const d = await until('undeliverable', async () => {
    const d = await pushedTo(hub);
    return d.state === 'undeliverable' ? d : null;
  }, 20_000);
  t.equal(d.last_error, 'endpoint answered HTTP 503: down\u0001for maintenance', 'the answer is stored as it came');
  const sent = await until('the notice', async () => ((await notices(hub)).length > 0 ? notices(hub) : null), 10_000);
  t.equal(sent.length, 1, 'the sender got its 02 notice about the undeliverable copy');
  t.match(sent[0]!.subject, /503: down\ufffdfor maintenance$/, 'with U+FFFD for the character XML forbids');
  t.equal((await hub.tdb.db.query('SELECT 1 FROM notices_due WHERE delivery_id = $1', [d.id])).rows.length, 0, 'no notice left due');
});

t.test('an error answer holding a NUL byte: at most EDOC_PUSH_ATTEMPTS pushes, then undeliverable and the sender told', async (t) => {
  const ep = await failingEndpoint(t, 'down\u0000for maintenance');
  // A delivery stuck in "pushing" (2 x 500 ms) is taken up again quickly: with the bug it is pushed over and over.
  const hub = await startTestHub({ EDOC_RECONCILE_GRACE_MS: '200', EDOC_PUSH_TIMEOUT_MS: '500', EDOC_JOB_LOCK_MS: '1000' });
  t.teardown(() => hub.close());
  await hub.setAgency(G22, { signaturePolicy: 'lenient' });
  await hub.setAgency(H14, { delivery: { mode: 'push', endpoint: ep.url } });
  t.equal((await hub.request(G22, 'POST', '/v1/messages', doc('2'))).status, 202);
  const attempts = Number(hub.config.delivery.attempts);
  const d = await until('undeliverable', async () => {
    const d = await pushedTo(hub);
    return d.state === 'undeliverable' ? d : null;
  }, 20_000).catch(async () => pushedTo(hub));
  t.equal(d.state, 'undeliverable', 'the delivery settled as undeliverable');
  t.equal(d.attempts, attempts);
  t.equal(d.last_error, 'endpoint answered HTTP 503: down\ufffdfor maintenance', 'the NUL stored as U+FFFD');
  // Time for a stalled job or the reconciler to push again, were the delivery not settled.
  await sleep(3000);
  t.equal(ep.requests(), attempts, `pushed ${attempts} times (EDOC_PUSH_ATTEMPTS), no more`);
  const sent = await notices(hub);
  t.equal(sent.length, 1, 'the sender got its 02 notice');
  t.match(sent[0]!.subject, /503: down\ufffdfor maintenance$/);
  const logged = await hub.tdb.db.query<{ error: string }>("SELECT data->>'error' AS error FROM audit_events WHERE type = 'delivery.undeliverable'");
  t.same(logged.rows.map((r) => r.error), ['endpoint answered HTTP 503: down\ufffdfor maintenance'], 'and the log entry');
});
