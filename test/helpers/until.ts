/** Polls `fn` every 100 ms until it returns something truthy (resolved), or throws after `ms`. */
import { setTimeout as sleep } from 'node:timers/promises';

export async function until<T>(what: string, fn: () => Promise<T | null | undefined | false> | T | null | undefined | false, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
