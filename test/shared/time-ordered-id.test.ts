import t from 'tap';
import { timeOrderedId } from '../../src/shared/time-ordered-id.js';

t.test('UUID v7: version and variant bits, time prefix, increasing, unique', async (t) => {
  const ms = Date.UTC(2026, 10, 23, 8, 0, 0);
  const id = timeOrderedId(ms);
  t.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  t.equal(parseInt(id.replace(/-/g, '').slice(0, 12), 16), ms, 'the first 48 bits are the milliseconds');
  const ids = Array.from({ length: 10_000 }, () => timeOrderedId());
  t.equal(new Set(ids).size, ids.length, 'no duplicates');
  t.ok(ids.every((x, i) => i === 0 || x > ids[i - 1]!), 'each id sorts after the previous one (same millisecond included)');
  const later = timeOrderedId(Date.now() + 10_000);
  t.ok(later > ids[ids.length - 1]!, 'a later millisecond sorts later');
});

t.test('the random bits are fresh for every id, across refills of the random pool', async (t) => {
  const tails = Array.from({ length: 2_000 }, () => timeOrderedId(Date.UTC(2026, 10, 29)).slice(-12)); // 48 random bits each
  t.equal(new Set(tails).size, tails.length, 'no two ids share their random bits (a pool reused would repeat every 256)');
});
