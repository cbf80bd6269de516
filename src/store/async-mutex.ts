/**
 * A FIFO mutex for one process: the embedded database has a single connection,
 * so a transaction must own it from BEGIN to COMMIT.
 */
export interface AsyncMutex {
  /** Runs fn once every earlier holder has finished. */
  run<T>(fn: () => Promise<T>): Promise<T>;
}

export function createAsyncMutex(): AsyncMutex {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(fn: () => Promise<T>): Promise<T> {
      const result = tail.then(fn);
      // The next holder waits for this one whether it succeeds or fails.
      tail = result.catch(() => undefined);
      return result;
    },
  };
}
