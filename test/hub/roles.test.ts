/** `--role api` and `--role worker` as separate processes on one PostgreSQL and one Redis. */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase } from '../helpers/test-db.js';
import { ensureTestCerts } from '../helpers/test-certs.js';
import { startPushEndpoint } from '../helpers/push-endpoint.js';
import { startChildHub } from '../helpers/child-hub.js';
import { dropQueueKeys } from '../helpers/drop-queue-keys.js';
import { getAgencies, importDirectory, upsertAgency } from '../../src/store/agency-repo.js';
import { loadDirectoryFile } from '../../src/directory/load-directory-file.js';

const doc = readFileSync(new URL('../fixtures/edxml/edoc-replacement.edxml', import.meta.url));

t.test('an api process accepts, a separate worker process pushes', async (t) => {
  await ensureTestCerts();
  const tdb = await createTestDatabase();
  const endpoint = await startPushEndpoint(() => 200);
  t.teardown(async () => {
    await endpoint.close();
    await tdb.drop();
  });
  await tdb.db.tx(async (q) => importDirectory(q, await loadDirectoryFile()));
  const a = await getAgencies(tdb.db, ['000.00.00.G22', '000.00.00.H14']);
  await upsertAgency(tdb.db, { ...a.get('000.00.00.G22')!, signaturePolicy: 'lenient' });
  await upsertAgency(tdb.db, { ...a.get('000.00.00.H14')!, delivery: { mode: 'push', endpoint: endpoint.url } });
  const env = { DATABASE_URL: tdb.url, EDOC_QUEUE_PREFIX: `edoc-roles-${randomBytes(4).toString('hex')}` };
  t.teardown(() => dropQueueKeys(env.EDOC_QUEUE_PREFIX));

  const api = await startChildHub({ ...env, EDOC_ROLE: 'api' });
  t.teardown(() => api.kill());
  const r = await api.request('000.00.00.G22', 'POST', '/v1/messages', doc);
  t.equal(r.status, 202);
  await sleep(1000);
  t.equal(endpoint.requests, 0, 'the api process does not push');

  const worker = await startChildHub({ ...env, EDOC_ROLE: 'worker' });
  t.teardown(() => worker.kill());
  for (let i = 0; i < 200 && endpoint.received.length === 0; i++) await sleep(100);
  t.equal(endpoint.received.length, 1, 'the worker pushed the delivery');
});
