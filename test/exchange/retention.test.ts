import t from 'tap';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { purgeExpiredDocuments } from '../../src/exchange/purge-expired.js';
import { verifyAuditDatabase } from '../../src/audit/verify-database.js';
import { startTestHub } from '../helpers/test-hub.js';
import { testLayout } from '../helpers/test-certs.js';

const doc = readFileSync(new URL('../fixtures/edxml/edoc-replacement.edxml', import.meta.url));

t.test('retention purges bytes, keeps metadata and a verifying log', async (t) => {
  const hub = await startTestHub();
  t.teardown(() => hub.close());
  await hub.setAgency('000.00.00.G22', { signaturePolicy: 'lenient' });
  const sent = await hub.request('000.00.00.G22', 'POST', '/v1/messages', doc);
  t.equal(sent.status, 202);
  const { id } = sent.json<{ id: string }>();

  t.equal(await purgeExpiredDocuments(hub.tdb.db, 30), 0, 'nothing younger than the period is purged');
  const later = new Date(Date.now() + 31 * 86_400_000);
  t.equal(await purgeExpiredDocuments(hub.tdb.db, 30, later), 1);
  t.equal(await purgeExpiredDocuments(hub.tdb.db, 30, later), 0, 'purging twice does nothing more');

  const gone = await hub.request('000.00.00.H41', 'GET', `/v1/messages/${id}`);
  t.equal(gone.status, 410);
  t.equal(gone.json<{ error: { code: string } }>().error.code, 'exchange.purged');
  const tracking = await hub.request('000.00.00.G22', 'GET', `/v1/messages/${id}/tracking`);
  t.equal(tracking.status, 200, 'tracking still answers');

  const events = await hub.tdb.db.query<{ type: string; data: { sha256: string } }>("SELECT type, data FROM audit_events WHERE type = 'document.purged'");
  t.equal(events.rows.length, 1);
  // The sealer chains the purge event; the whole chain still verifies.
  for (let i = 0; i < 100; i++) {
    const r = await hub.tdb.db.query("SELECT 1 FROM audit_chain c JOIN audit_events e ON e.id = c.event_id WHERE e.type = 'document.purged'");
    if (r.rowCount > 0) break;
    await sleep(100);
  }
  const report = await verifyAuditDatabase(hub.tdb.db, { caCertPem: readFileSync(testLayout().caCert, 'utf8') });
  t.ok(report.ok, JSON.stringify(report.firstFailure ?? {}));
});
