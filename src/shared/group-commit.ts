/**
 * Group commit: work items that arrive while transactions are running wait
 * and then run together, many in one transaction. At low load an item runs at
 * once, alone; under load, one transaction (a few round trips and one WAL
 * flush) carries many items — the database's cost per item falls as load rises.
 *
 * Items with the same key never share a batch (a later one waits for the next),
 * so a batch can check each item against what committed before it.
 */
export interface GroupCommitOptions<I, R> {
  /** Runs one batch; resolves to one outcome per item, in order (an Error refuses that item only). */
  run(items: readonly I[]): Promise<(R | Error)[]>;
  key(item: I): string;
  /** Batches running at once (each holds a database connection). */
  concurrency: number;
  /** Items per batch at most. */
  maxBatch: number;
}

export interface GroupCommit<I, R> {
  submit(item: I): Promise<R>;
}

interface Waiting<I, R> {
  item: I;
  key: string;
  resolve(r: R): void;
  reject(e: unknown): void;
}

export function createGroupCommit<I, R>(opts: GroupCommitOptions<I, R>): GroupCommit<I, R> {
  const queue: Waiting<I, R>[] = [];
  let running = 0;

  function takeBatch(): Waiting<I, R>[] {
    const batch: Waiting<I, R>[] = [];
    const keys = new Set<string>();
    for (let i = 0; i < queue.length && batch.length < opts.maxBatch; ) {
      const w = queue[i]!;
      if (keys.has(w.key)) {
        i += 1;
        continue;
      }
      keys.add(w.key);
      batch.push(w);
      queue.splice(i, 1);
    }
    return batch;
  }

  async function runBatch(batch: Waiting<I, R>[]): Promise<void> {
    try {
      const outcomes = await opts.run(batch.map((w) => w.item));
      batch.forEach((w, i) => {
        const o = outcomes[i];
        if (o instanceof Error) w.reject(o);
        else if (o === undefined) w.reject(new Error('group commit: the batch gave no outcome for an item'));
        else w.resolve(o);
      });
    } catch (e) {
      // The transaction failed as a whole: nothing of it committed. Alone, each item
      // gets its own answer, so one bad item does not fail the others.
      if (batch.length === 1) batch[0]!.reject(e);
      else for (const w of batch) await runBatch([w]);
    }
  }

  function pump(): void {
    while (running < opts.concurrency && queue.length > 0) {
      const batch = takeBatch();
      running += 1;
      void runBatch(batch).finally(() => {
        running -= 1;
        pump();
      });
    }
  }

  return {
    submit(item) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, key: opts.key(item), resolve, reject });
        pump();
      });
    },
  };
}
