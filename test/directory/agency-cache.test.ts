import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase } from '../helpers/test-db.js';
import { createAgencyCache } from '../../src/directory/agency-cache.js';
import { agencyWithDefaults } from '../../src/directory/agency.js';
import { upsertAgency } from '../../src/store/agency-repo.js';

t.test('directory entries are kept for the TTL, unknown ones are not kept, invalidate forgets', async (t) => {
  const tdb = await createTestDatabase();
  t.teardown(tdb.drop);
  const A = '000.00.00.G22';
  const B = '000.00.00.H41';
  await upsertAgency(tdb.db, agencyWithDefaults({ organId: A, name: 'Văn phòng Chính phủ', signaturePolicy: 'lenient' }));
  const cache = createAgencyCache(tdb.db, 300);

  const first = await cache.get([A, B, A]);
  t.same([...first.keys()], [A], 'only the known one');
  await upsertAgency(tdb.db, agencyWithDefaults({ organId: A, name: 'Văn phòng Chính phủ', signaturePolicy: 'required' }));
  await upsertAgency(tdb.db, agencyWithDefaults({ organId: B, name: 'UBND tỉnh Nghệ An' }));
  const second = await cache.get([A, B]);
  t.equal(second.get(A)?.signaturePolicy, 'lenient', 'a known entry is kept within the TTL');
  t.ok(second.has(B), 'an agency unknown before is found at once');
  await sleep(400);
  t.equal((await cache.get([A])).get(A)?.signaturePolicy, 'required', 'read again after the TTL');

  await upsertAgency(tdb.db, agencyWithDefaults({ organId: A, name: 'Văn phòng Chính phủ', signaturePolicy: 'lenient' }));
  cache.invalidate();
  t.equal((await cache.get([A])).get(A)?.signaturePolicy, 'lenient', 'read again after invalidate()');
});
