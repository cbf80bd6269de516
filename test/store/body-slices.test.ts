/**
 * Message bodies above one slice are read in slices (src/store/body-slices.ts),
 * on PostgreSQL and on the embedded PGlite alike: stored as they came or
 * compressed, they read back byte for byte; a purged body, or one purged while
 * its slices are being read, reads as null.
 */
import t, { type Test } from 'tap';
import { randomBytes, randomUUID } from 'node:crypto';
import { openDb } from '../../src/store/open-db.js';
import type { Db, Queryable } from '../../src/store/db.js';
import { getMessageBodies, getMessageWithBody } from '../../src/store/message-repo.js';
import { BODY_SLICE_BYTES, COMPRESSED_BODY_SLICE_BYTES, readWhole } from '../../src/store/body-slices.js';
import { BODY_PART_BYTES } from '../../src/shared/bytes-body.js';
import { createTestDatabase } from '../helpers/test-db.js';

const bodies = {
  small: Buffer.from(randomBytes(3_000).toString('base64')),
  // Base64 of random bytes does not compress: stored as it came, read in many small slices.
  plain: Buffer.from(randomBytes(Math.round(BODY_SLICE_BYTES * 5.3)).toString('base64')),
  // Text that compresses well: stored compressed, read in large slices (the last one short).
  compressed: Buffer.from('<Para>Kính gửi các cơ quan, đơn vị. </Para>'.repeat(Math.ceil((COMPRESSED_BODY_SLICE_BYTES * 2.5) / 50)), 'utf8'),
};

async function insertBody(db: Queryable, bytes: Buffer | null): Promise<string> {
  const id = randomUUID();
  await db.query(
    `INSERT INTO messages (id, kind, from_organ, recipients, document_id, sha256, size, signature, summary)
     VALUES ($1, 'edoc', '000.00.00.G22', ARRAY['000.00.00.H41'], $2, 'x', $3, '{}', '{}')`,
    [id, `doc-${id}`, bytes?.length ?? 0],
  );
  await db.query('INSERT INTO message_bodies (message_id, bytes) VALUES ($1, $2)', [id, bytes]);
  return id;
}

async function checkReads(t: Test, db: Db): Promise<void> {
  const ids: Record<string, string> = {};
  for (const [name, bytes] of Object.entries(bodies)) ids[name] = await insertBody(db, bytes);
  const purged = await insertBody(db, null);

  const stored = await db.query<{ message_id: string; compressed: boolean }>(
    'SELECT message_id, pg_column_compression(bytes) IS NOT NULL AS compressed FROM message_bodies WHERE message_id = ANY($1::uuid[])',
    [[ids.plain, ids.compressed]],
  );
  const compressed = new Map(stored.rows.map((r) => [r.message_id, r.compressed]));
  t.equal(compressed.get(ids.plain!), false, 'the base64 body is stored as it came');
  t.equal(compressed.get(ids.compressed!), true, 'the text body is stored compressed');

  const read = await getMessageBodies(db, [...Object.values(ids), purged]);
  for (const [name, bytes] of Object.entries(bodies)) {
    t.ok(read.get(ids[name]!)?.equals(bytes), `${name} (${bytes.length} bytes): the exact bytes`);
    const one = await getMessageWithBody(db, ids[name]!, '000.00.00.H41');
    t.equal(one?.body?.size, bytes.length, `${name}: its size comes with its message`);
    t.ok(one?.body && (await readWhole(one.body)).equals(bytes), `${name}: the same bytes read with its message`);
    const parts: Buffer[] = [];
    for await (const p of one!.body!.parts()) parts.push(p);
    t.ok(Buffer.concat(parts).equals(bytes), `${name}: the same bytes in parts`);
    t.ok(parts.every((p) => p.length <= BODY_PART_BYTES), `${name}: no part over ${BODY_PART_BYTES} bytes`);
  }
  t.equal(read.get(purged), null, 'a purged body reads as null');
  t.equal((await getMessageWithBody(db, purged, '000.00.00.H41'))?.body, null);

  // Purged by retention between two of its slices: null, not half a document.
  let slices = 0;
  const purging: Queryable = {
    async query(sql, params) {
      const r = await db.query(sql, params);
      if (sql.includes('substring') && ++slices === 2) {
        await db.query('UPDATE message_bodies SET bytes = NULL, purged_at = now() WHERE message_id = $1', [params?.[0]]);
      }
      return r as never;
    },
  };
  t.equal((await getMessageBodies(purging, [ids.plain!])).get(ids.plain!), null, 'purged while read: null');
  t.equal(slices, 3, 'the read stopped at the first slice after the purge');

  // Sent in parts: a slice is read only when its parts are wanted, and a purge between slices is an error, not a short body.
  const again = await insertBody(db, bodies.plain);
  slices = 0;
  const sending = (await getMessageWithBody(purging, again, '000.00.00.H41'))!.body!;
  const parts = sending.parts()[Symbol.asyncIterator]();
  await parts.next();
  t.equal(slices, 1, 'the first part needed one slice');
  for (let i = 1; i < BODY_SLICE_BYTES / BODY_PART_BYTES; i++) await parts.next();
  t.equal(slices, 1, "the rest of that slice's parts needed no other read");
  await parts.next();
  t.equal(slices, 2, 'the next part read the next slice (after which the body was purged)');
  await t.rejects(
    (async () => {
      for (let p = await parts.next(); !p.done; p = await parts.next());
    })(),
    { name: 'BodyPurgedError', messageId: again },
    'reading on throws: the body is gone',
  );
}

t.test('PostgreSQL', async (t) => {
  const tdb = await createTestDatabase();
  t.teardown(() => tdb.drop());
  await checkReads(t, tdb.db);
});

t.test('embedded PGlite', async (t) => {
  const db = await openDb({ databaseUrl: null, dataDir: null });
  t.teardown(() => db.close());
  await checkReads(t, db);
});
