/** The in-memory bytes of just-accepted messages: bounded in bytes (oldest out first) and in age. */
import t from 'tap';
import { createRecentBodies } from '../../src/exchange/recent-bodies.js';

const bytes = (n: number, fill = 1): Buffer => Buffer.alloc(n, fill);

t.test('holds what was put, exactly, until the byte bound pushes the oldest out', async (t) => {
  const cache = createRecentBodies({ maxBytes: 1600, maxAgeMs: 60_000 });
  for (let i = 0; i < 16; i++) cache.put(`m${i}`, bytes(100, i));
  t.same(cache.get('m3'), bytes(100, 3), 'the bytes put');
  cache.put('m16', bytes(100, 16));
  t.equal(cache.get('m0'), undefined, 'the oldest went first');
  t.same(cache.get('m1'), bytes(100, 1), 'the next one stays');
  t.same(cache.get('m16'), bytes(100, 16));
  t.equal(cache.get('unknown'), undefined);
});

t.test('a document larger than a sixteenth of the cache is not kept', async (t) => {
  const cache = createRecentBodies({ maxBytes: 1600, maxAgeMs: 60_000 });
  cache.put('small', bytes(100));
  cache.put('large', bytes(101));
  t.ok(cache.get('small'));
  t.equal(cache.get('large'), undefined);
});

t.test('entries older than the age bound are not served, and never older than an hour', async (t) => {
  let now = 0;
  const cache = createRecentBodies({ maxBytes: 1 << 20, maxAgeMs: 1000, now: () => now });
  cache.put('a', bytes(10));
  now = 1000;
  t.ok(cache.get('a'), 'still young enough');
  cache.put('b', bytes(10));
  now = 1001;
  t.equal(cache.get('a'), undefined, 'too old');
  t.ok(cache.get('b'));
  const lax = createRecentBodies({ maxBytes: 1 << 20, maxAgeMs: 24 * 3600_000, now: () => now });
  lax.put('c', bytes(10));
  now += 3600_000 + 1;
  t.equal(lax.get('c'), undefined, 'an hour at most, whatever the option: retention purges after days');
});

t.test('0 bytes turns it off', async (t) => {
  const cache = createRecentBodies({ maxBytes: 0, maxAgeMs: 60_000 });
  cache.put('a', bytes(1));
  t.equal(cache.get('a'), undefined);
});

t.test('a view into a larger buffer is kept as a copy of its own bytes', async (t) => {
  const cache = createRecentBodies({ maxBytes: 1 << 20, maxAgeMs: 60_000 });
  const big = Buffer.alloc(8192, 7);
  cache.put('view', big.subarray(100, 200));
  const held = cache.get('view')!;
  t.same(held, Buffer.alloc(100, 7));
  t.equal(held.buffer.byteLength, 100, 'not the 8 KiB behind the view');
  const own = Buffer.allocUnsafeSlow(50).fill(1);
  cache.put('own', own);
  t.equal(cache.get('own'), own, 'a buffer of its own is kept as it is');
});
