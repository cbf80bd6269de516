/**
 * Nothing accepted is lost: the hub process is killed (SIGKILL) between commit
 * and enqueue, and in the middle of a push; after a restart every accepted
 * message reaches every recipient exactly once. With Redis down, submissions
 * are still accepted and are delivered once Redis is back.
 */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { createTestDatabase } from '../helpers/test-db.js';
import { ensureTestCerts } from '../helpers/test-certs.js';
import { startPushEndpoint, type PushEndpoint } from '../helpers/push-endpoint.js';
import { freePort, startChildHub } from '../helpers/child-hub.js';
import { until } from '../helpers/until.js';
import { dropQueueKeys } from '../helpers/drop-queue-keys.js';
import { upsertAgency, getAgencies } from '../../src/store/agency-repo.js';
import { importDirectory } from '../../src/store/agency-repo.js';
import { loadDirectoryFile } from '../../src/directory/load-directory-file.js';
import type { Db } from '../../src/store/db.js';

const doc = readFileSync(new URL('../fixtures/edxml/edoc-replacement.edxml', import.meta.url));
const G22 = '000.00.00.G22';
const H14 = '000.00.00.H14';

async function prepare(db: Db, endpoint: PushEndpoint): Promise<void> {
  await db.tx(async (q) => importDirectory(q, await loadDirectoryFile()));
  const agencies = await getAgencies(db, [G22, H14]);
  await upsertAgency(db, { ...agencies.get(G22)!, signaturePolicy: 'lenient' });
  await upsertAgency(db, { ...agencies.get(H14)!, delivery: { mode: 'push', endpoint: endpoint.url } });
}

function variant(i: number): Buffer {
  // Distinct DocumentIds so each submission is a new document.
  return Buffer.from(doc.toString('utf8').replaceAll('7816/VPCP-TTĐT</edXML:DocumentId>', `7816/VPCP-TTĐT-${i}</edXML:DocumentId>`));
}

async function deliveries(db: Db): Promise<{ id: string; recipient: string; state: string }[]> {
  return (await db.query<{ id: string; recipient: string; state: string }>('SELECT id, recipient, state FROM deliveries')).rows;
}

t.before(async () => {
  await ensureTestCerts();
});

t.test('killed between commit and enqueue: the reconciler delivers after restart', async (t) => {
  const tdb = await createTestDatabase();
  const endpoint = await startPushEndpoint(() => 200);
  const env = { DATABASE_URL: tdb.url, EDOC_QUEUE_PREFIX: `edoc-crash-${randomBytes(4).toString('hex')}` };
  t.teardown(async () => {
    await endpoint.close();
    await tdb.drop();
    await dropQueueKeys(env.EDOC_QUEUE_PREFIX);
  });
  await prepare(tdb.db, endpoint);

  const dying = await startChildHub({ ...env, EDOC_FAILPOINTS: 'accept.after-commit' });
  await dying.request(G22, 'POST', '/v1/messages', variant(1)).catch(() => null);
  const ended = await dying.exited;
  t.equal(ended.signal, 'SIGKILL', 'the hub died right after the commit');
  const rows = await deliveries(tdb.db);
  t.equal(rows.length, 3, 'the message and its deliveries were committed');
  t.equal(endpoint.requests, 0, 'nothing was pushed before the crash');

  const hub = await startChildHub(env);
  t.teardown(() => hub.kill());
  await until('push after restart', () => endpoint.received.length >= 1, 20_000);
  await sleep(1500);
  t.equal(endpoint.received.length, 1, 'delivered exactly once');
  const h14 = (await deliveries(tdb.db)).find((d) => d.recipient === H14)!;
  t.equal(h14.state, 'acknowledged');
  t.equal(endpoint.received[0]!.deliveryId, h14.id);
});

t.test('killed during a push: redelivered once after restart, never twice', async (t) => {
  const tdb = await createTestDatabase();
  const endpoint = await startPushEndpoint(() => 200);
  const env = { DATABASE_URL: tdb.url, EDOC_QUEUE_PREFIX: `edoc-crash-${randomBytes(4).toString('hex')}`, EDOC_PUSH_TIMEOUT_MS: '500', EDOC_JOB_LOCK_MS: '1000' };
  t.teardown(async () => {
    await endpoint.close();
    await tdb.drop();
    await dropQueueKeys(env.EDOC_QUEUE_PREFIX);
  });
  await prepare(tdb.db, endpoint);

  const dying = await startChildHub({ ...env, EDOC_FAILPOINTS: 'push.before-post' });
  const r = await dying.request(G22, 'POST', '/v1/messages', variant(2));
  t.equal(r.status, 202, 'accepted before the crash');
  const ended = await dying.exited;
  t.equal(ended.signal, 'SIGKILL', 'the worker died while pushing');
  const stuck = (await deliveries(tdb.db)).find((d) => d.recipient === H14)!;
  t.equal(stuck.state, 'pushing');

  const hub = await startChildHub(env);
  t.teardown(() => hub.kill());
  await until('push after restart', () => endpoint.received.length >= 1, 20_000);
  // Several reconciler rounds pass: no second push of the acknowledged delivery.
  await sleep(2000);
  t.equal(endpoint.received.length, 1, 'delivered exactly once');
  t.equal((await deliveries(tdb.db)).find((d) => d.recipient === H14)!.state, 'acknowledged');
});

t.test('Redis stopped: submissions still accepted, delivered when Redis is back', async (t) => {
  const port = await freePort();
  const startRedis = async (): Promise<void> => {
    await new Promise<void>((resolve, reject) => {
      const p = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'yes']);
      p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`redis-server exited ${code}`))));
    });
    const r = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => 100 });
    r.on('error', () => undefined);
    await until('private redis', async () => (await r.ping().catch(() => null)) === 'PONG', 10_000);
    r.disconnect();
  };
  const stopRedis = async (): Promise<void> => {
    const r = new Redis(port, '127.0.0.1', { retryStrategy: () => null });
    r.on('error', () => undefined);
    await r.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
    r.disconnect();
  };
  await startRedis();
  const tdb = await createTestDatabase();
  const endpoint = await startPushEndpoint(() => 200);
  t.teardown(async () => {
    await stopRedis();
    await endpoint.close();
    await tdb.drop();
  });
  await prepare(tdb.db, endpoint);
  const hub = await startChildHub({ DATABASE_URL: tdb.url, REDIS_URL: `redis://127.0.0.1:${port}`, EDOC_QUEUE_PREFIX: 'edoc-redis-down' });
  t.teardown(() => hub.kill());

  await stopRedis();
  const accepted: string[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await hub.request(G22, 'POST', '/v1/messages', variant(10 + i));
    t.equal(r.status, 202, `accepted with Redis down (${i + 1})`);
    accepted.push(r.json<{ id: string }>().id);
  }
  const ready = await hub.request(null, 'GET', '/health/ready');
  t.equal(ready.status, 503, 'readiness reports Redis down');
  t.equal(endpoint.requests, 0);

  await startRedis();
  await until('deliveries after Redis is back', () => endpoint.received.length >= 3, 30_000);
  await sleep(1000);
  t.equal(endpoint.received.length, 3, 'each accepted message pushed exactly once');
  t.same(new Set(endpoint.received.map((r) => r.messageId)), new Set(accepted));
});
