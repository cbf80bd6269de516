/**
 * GET /v1/inbox?include=bytes: a polling recipient takes a page of documents
 * with their exact bytes in one request; each returned delivery counts as
 * fetched, logged once, exactly as a single fetch would be.
 */
import t from 'tap';
import { createHash, randomBytes } from 'node:crypto';
import { buildEdoc } from '../../src/edxml/build-edxml.js';
import { startTestHub } from '../helpers/test-hub.js';

const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';
const H14 = '000.00.00.H14';

interface Entry {
  deliveryId: string;
  state: string;
  cursor: string;
  message: { id: string; sha256: string; size: number };
  bytes: string | null;
}
interface Page {
  entries: Entry[];
  next: string | null;
}

const doc = (i: number, attachmentBytes = 512): Buffer =>
  buildEdoc({
    from: { organId: G22 },
    to: [{ organId: H41 }],
    documentId: `${G22},2026/11/29,${i}/INBOX`,
    subject: `Văn bản ${i}`,
    attachments: [{ contentId: `a${i}`, attachmentName: 'vb.pdf', contentType: 'application/pdf', data: randomBytes(attachmentBytes) }],
  });

t.test('a page of the inbox with the exact bytes; the deliveries become fetched, logged once', async (t) => {
  // Every body from the database, as on an API process that did not accept them (the cache is tested below).
  const hub = await startTestHub({ EDOC_RECENT_BODIES_MB: '0' });
  t.teardown(() => hub.close());
  await hub.setAgency(G22, { signaturePolicy: 'lenient' });
  const sent = [doc(0), doc(1), doc(2), doc(3)];
  for (const d of sent) t.equal((await hub.request(G22, 'POST', '/v1/messages', d)).status, 202);
  // The last one's bytes were purged by retention: listed without bytes, not marked fetched.
  const purgedId = (await hub.tdb.db.query<{ id: string }>('SELECT id FROM messages ORDER BY seq DESC LIMIT 1')).rows[0]!.id;
  await hub.tdb.db.query('UPDATE message_bodies SET bytes = NULL, purged_at = now() WHERE message_id = $1', [purgedId]);

  const firstRes = await hub.request(H41, 'GET', '/v1/inbox?include=bytes&limit=2');
  t.match(firstRes.headers['content-type'], /^application\/json; charset=utf-8/, 'JSON, UTF-8');
  const first = firstRes.json<Page>();
  t.equal(first.entries.length, 2);
  t.ok(first.next, 'a cursor to the rest');
  const rest = (await hub.request(H41, 'GET', `/v1/inbox?include=bytes&after=${first.next}`)).json<Page>();
  const all = [...first.entries, ...rest.entries];
  t.equal(all.length, 4, 'every delivery once across the pages');
  t.equal(rest.next, null);
  for (const [i, e] of all.slice(0, 3).entries()) {
    const bytes = Buffer.from(e.bytes ?? '', 'base64');
    t.ok(bytes.equals(sent[i]!), `entry ${i}: the exact bytes as submitted`);
    t.equal(createHash('sha256').update(bytes).digest('hex'), e.message.sha256);
    t.equal(e.state, 'fetched', `entry ${i} answered as fetched`);
  }
  t.equal(all[3]!.message.id, purgedId);
  t.equal(all[3]!.bytes, null, 'purged bytes: null');
  t.equal(all[3]!.state, 'available', 'a purged message is not marked fetched');

  const states = await hub.tdb.db.query<{ state: string }>('SELECT state FROM deliveries ORDER BY seq');
  t.same(states.rows.map((r) => r.state), ['fetched', 'fetched', 'fetched', 'available']);
  const again = (await hub.request(H41, 'GET', '/v1/inbox?include=bytes')).json<Page>();
  t.equal(again.entries.length, 4, 'fetched deliveries stay in the inbox until acknowledged');
  const logged = await hub.tdb.db.query<{ type: string; organs: string[]; message_id: string | null; data: { deliveries: { deliveryId: string; messageId: string }[] } }>(
    "SELECT type, organs, message_id, data FROM audit_events WHERE type IN ('delivery.fetched', 'deliveries.fetched') ORDER BY id",
  );
  t.same(logged.rows.map((r) => r.type), ['deliveries.fetched', 'deliveries.fetched'], 'one entry per page that fetched something, none for a second fetch');
  t.same(
    logged.rows.flatMap((r) => r.data.deliveries.map((d) => d.deliveryId)),
    all.slice(0, 3).map((e) => e.deliveryId),
    'the entries list each delivery fetched once, with its message',
  );
  t.same(logged.rows.flatMap((r) => r.data.deliveries.map((d) => d.messageId)), all.slice(0, 3).map((e) => e.message.id));
  t.same(logged.rows[0]!.organs, [G22, H41], 'the sender and the recipient are concerned');
  t.equal(logged.rows[0]!.message_id, null, 'an entry about several messages names none itself…');
  const indexed = await hub.tdb.db.query<{ message_id: string }>(
    "SELECT l.message_id FROM audit_event_messages l JOIN audit_events e ON e.id = l.event_id WHERE e.type = 'deliveries.fetched' ORDER BY l.message_id",
  );
  t.same(indexed.rows.map((r) => r.message_id), all.slice(0, 3).map((e) => e.message.id).sort(), '…and is indexed under each message it lists');

  t.same((await hub.request(H14, 'GET', '/v1/inbox?include=bytes')).json<Page>().entries, [], "another agency's inbox is its own");
  const bad = await hub.request(H41, 'GET', '/v1/inbox?include=everything');
  t.equal(bad.status, 400, 'an unknown include is a bad request');
  t.equal((await hub.request(H41, 'GET', '/v1/inbox')).json<{ entries: Record<string, unknown>[] }>().entries[0]!.bytes, undefined, 'no bytes unless asked');
});

t.test('the bytes of documents this process just accepted come from memory, the others from the database', async (t) => {
  // 1 MiB of cache: documents over 64 KiB are not kept in it.
  const hub = await startTestHub({ EDOC_RECENT_BODIES_MB: '1' });
  t.teardown(() => hub.close());
  await hub.setAgency(G22, { signaturePolicy: 'lenient' });
  const sent = [doc(0), doc(1, 100_000), doc(2)];
  for (const d of sent) t.equal((await hub.request(G22, 'POST', '/v1/messages', d)).status, 202);
  // Overwrite the stored bytes: what the page returns shows where it read them.
  await hub.tdb.db.query("UPDATE message_bodies SET bytes = convert_to('stored copy', 'UTF8')");
  const page = (await hub.request(H41, 'GET', '/v1/inbox?include=bytes')).json<Page>();
  t.equal(page.entries.length, 3);
  const got = page.entries.map((e) => Buffer.from(e.bytes ?? '', 'base64'));
  t.ok(got[0]!.equals(sent[0]!), 'a small document just accepted: its exact bytes, from memory');
  t.equal(got[1]!.toString(), 'stored copy', 'a document too large for the cache: read from the database');
  t.ok(got[2]!.equals(sent[2]!), 'from memory');
  t.same(page.entries.map((e) => e.state), ['fetched', 'fetched', 'fetched'], 'each delivery counts as fetched wherever its bytes came from');
  const metrics = (await hub.request(null, 'GET', '/metrics')).body.toString();
  t.match(metrics, /edoc_hub_inbox_bodies_total\{source="memory"\} 2\b/, 'the metrics count the bytes read from memory…');
  t.match(metrics, /edoc_hub_inbox_bodies_total\{source="database"\} 1\b/, '…and from the database');
});

t.test('a page with bytes stops before 8 MiB of documents, at least one entry', async (t) => {
  const hub = await startTestHub();
  t.teardown(() => hub.close());
  await hub.setAgency(G22, { signaturePolicy: 'lenient' });
  // Three documents of ~3.4 MB each (attachments are base64 in the XML): two fit in a page, not three.
  for (let i = 0; i < 3; i++) t.equal((await hub.request(G22, 'POST', '/v1/messages', doc(i, 2_500_000))).status, 202);
  const p1 = (await hub.request(H41, 'GET', '/v1/inbox?include=bytes')).json<Page>();
  t.equal(p1.entries.length, 2, 'two documents fit');
  t.equal(p1.next, p1.entries[1]!.cursor, 'the cursor continues after the last one returned');
  const p2 = (await hub.request(H41, 'GET', `/v1/inbox?include=bytes&after=${p1.next}`)).json<Page>();
  t.equal(p2.entries.length, 1);
  t.equal(p2.next, null);
  const states = await hub.tdb.db.query<{ state: string }>('SELECT state FROM deliveries ORDER BY seq');
  t.same(states.rows.map((r) => r.state), ['fetched', 'fetched', 'fetched']);
});
