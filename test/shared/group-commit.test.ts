import t from 'tap';
import { createGroupCommit } from '../../src/shared/group-commit.js';

/** A batch runner that records its batches and finishes when told. */
function recorder(fail?: (items: readonly string[]) => boolean) {
  const batches: string[][] = [];
  const gates: (() => void)[] = [];
  return {
    batches,
    release: () => gates.splice(0).forEach((g) => g()),
    run: async (items: readonly string[]) => {
      batches.push([...items]);
      await new Promise<void>((r) => gates.push(r));
      if (fail?.(items)) throw new Error(`batch of ${items.length} failed`);
      return items.map((i) => (i.startsWith('bad') ? new Error(`refused ${i}`) : `done ${i}`));
    },
  };
}

const settle = () => new Promise((r) => setImmediate(r));

t.test('an item alone runs at once; items arriving meanwhile run together', async (t) => {
  const r = recorder();
  const g = createGroupCommit<string, string>({ run: r.run, key: (i) => i, concurrency: 1, maxBatch: 10 });
  const first = g.submit('a');
  await settle();
  t.same(r.batches, [['a']], 'alone, at once');
  const later = ['b', 'c', 'd'].map((i) => g.submit(i));
  await settle();
  t.equal(r.batches.length, 1, 'the others wait while a transaction runs');
  r.release();
  t.equal(await first, 'done a');
  await settle();
  t.same(r.batches[1], ['b', 'c', 'd'], 'then run as one batch');
  r.release();
  t.same(await Promise.all(later), ['done b', 'done c', 'done d']);
});

t.test('one key per batch, batch size and concurrency are bounded', async (t) => {
  const r = recorder();
  const g = createGroupCommit<string, string>({ run: r.run, key: (i) => i.split('#')[0]!, concurrency: 2, maxBatch: 3 });
  const all = ['x#1', 'y', 'x#2', 'z', 'w', 'v', 'u'].map((i) => g.submit(i));
  await settle();
  t.same(r.batches, [['x#1'], ['y']], 'two running at once, the others wait');
  r.release();
  await settle();
  await settle();
  t.same(r.batches.slice(2), [['x#2', 'z', 'w'], ['v', 'u']], 'then batches of at most 3');
  r.release();
  t.equal((await Promise.all(all)).length, 7);
  const same = ['k#1', 'k#2', 'k#3'].map((i) => g.submit(i));
  for (let i = 0; i < 3; i++) {
    await settle();
    r.release();
  }
  await Promise.all(same);
  t.same(r.batches.slice(4), [['k#1'], ['k#2'], ['k#3']], 'the same key never shares a batch');
});

t.test('a refused item fails alone; a failed batch is retried item by item', async (t) => {
  const r = recorder((items) => items.length > 1 && items.includes('poison'));
  const g = createGroupCommit<string, string>({ run: r.run, key: (i) => i, concurrency: 1, maxBatch: 10 });
  const head = g.submit('head');
  await settle();
  const rest = ['ok1', 'bad1', 'poison', 'ok2'].map((i) => g.submit(i).catch((e: Error) => `error: ${e.message}`));
  r.release();
  for (let i = 0; i < 10; i++) {
    await settle();
    r.release();
  }
  await head;
  t.same(await Promise.all(rest), ['done ok1', 'error: refused bad1', 'done poison', 'done ok2']);
  t.same(r.batches.slice(1), [['ok1', 'bad1', 'poison', 'ok2'], ['ok1'], ['bad1'], ['poison'], ['ok2']], 'the failed batch, then each alone');
});
