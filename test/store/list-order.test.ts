/**
 * Lists that select a key as text (`seq::text AS seq`, `id::text AS id`) must
 * order by the column, not the alias: ordered by the text, "10" comes before
 * "9", so a document's status history read 05, 06, 16, 04 and its latest
 * status came out wrong once it had ten of them. Checked across 9 → 10 on the
 * real PostgreSQL (the inbox and sent cursors: test/exchange/inbox-cursor).
 */
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { insertBusinessStatus, listBusinessStatuses } from '../../src/store/status-repo.js';
import { listDeliveriesOfMessage } from '../../src/store/delivery-repo.js';
import { createTestDatabase } from '../helpers/test-db.js';

t.test('status history and recipients come oldest first, by number', async (t) => {
  const tdb = await createTestDatabase();
  t.teardown(() => tdb.drop());
  const id = randomUUID();
  const recipients = Array.from({ length: 12 }, (_, i) => `000.00.00.H${String(i + 10)}`);
  await tdb.db.query(
    `INSERT INTO messages (id, kind, from_organ, recipients, document_id, sha256, size, signature, summary)
     VALUES ($1, 'edoc', '000.00.00.G22', $2, 'ORDER-TEST', 'x', 1, '{}', '{}')`,
    [id, recipients],
  );
  for (const recipient of recipients) {
    await tdb.db.query("INSERT INTO deliveries (id, message_id, recipient, mode, state) VALUES ($1, $2, $3, 'pull', 'available')", [randomUUID(), id, recipient]);
  }
  const codes = ['01', '03', '04', '05', '06', '01', '03', '04', '05', '06', '16', '04'];
  for (const [i, code] of codes.entries()) {
    await insertBusinessStatus(tdb.db, {
      documentMessageId: id,
      reporter: recipients[i]!,
      statusCode: code,
      description: null,
      staff: null,
      reportedAt: null,
      reportedAtIso: null,
      statusMessageId: id,
    });
  }
  const statuses = await listBusinessStatuses(tdb.db, [id]);
  t.same(statuses.map((s) => s.status_code), codes, 'statuses in the order they were recorded');
  t.same(statuses.map((s) => Number(s.id)), [...statuses.map((s) => Number(s.id))].sort((a, b) => a - b), 'ids ascending as numbers');
  const deliveries = await listDeliveriesOfMessage(tdb.db, id);
  t.same(deliveries.map((d) => d.recipient), recipients, 'recipients in the order their deliveries were made');
});
