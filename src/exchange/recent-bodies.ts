/**
 * The bytes of the messages this process accepted in the last few minutes,
 * kept in memory. Pull recipients mostly fetch a document seconds after it
 * was accepted, and each recipient would otherwise read it back from the
 * database (three reads of the same bytes for three recipients). Accepted
 * bytes never change, so a hit is exact; a miss reads the database as before.
 *
 * Bounded in bytes (the oldest go first) and in age: a few minutes, far
 * shorter than the shortest retention period (one day), so bytes the
 * retention purge removed are never served from here.
 */
export interface RecentBodies {
  /** Keeps a just-committed message's bytes (skipped when it alone would take a large share of the cache). */
  put(messageId: string, bytes: Buffer): void;
  /** The bytes when still held and young enough; undefined otherwise. */
  get(messageId: string): Buffer | undefined;
}

export interface RecentBodiesOptions {
  /** Bytes held at most; 0 turns the cache off. */
  maxBytes: number;
  /** How long an entry may be served after it was put. */
  maxAgeMs: number;
  now?: () => number;
}

/** Entries older than this are never served, whatever the options say: the retention purge works in days. */
const AGE_LIMIT_MS = 60 * 60 * 1000;

export function createRecentBodies(opts: RecentBodiesOptions): RecentBodies {
  const now = opts.now ?? Date.now;
  const maxAgeMs = Math.min(opts.maxAgeMs, AGE_LIMIT_MS);
  // A Map iterates in insertion order: its first entries are the oldest.
  const held = new Map<string, { bytes: Buffer; at: number }>();
  let total = 0;

  function evict(t: number): void {
    for (const [id, e] of held) {
      if (total <= opts.maxBytes && t - e.at <= maxAgeMs) break;
      held.delete(id);
      total -= e.bytes.length;
    }
  }

  return {
    put(messageId, bytes) {
      // One large document would push out hundreds of ordinary ones.
      if (bytes.length > opts.maxBytes / 16 || held.has(messageId)) return;
      const t = now();
      held.set(messageId, { bytes: ownMemory(bytes), at: t });
      total += bytes.length;
      evict(t);
    },
    get(messageId) {
      const e = held.get(messageId);
      if (!e) return undefined;
      const t = now();
      if (t - e.at > maxAgeMs) {
        evict(t);
        return undefined;
      }
      return e.bytes;
    },
  };
}

/**
 * The bytes in memory of their own: a request body can be a view into a larger
 * buffer (Node's shared pool for small ones), which holding the view would
 * keep alive whole, outside the cache's count.
 */
function ownMemory(bytes: Buffer): Buffer {
  if (bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.length) return bytes;
  const copy = Buffer.allocUnsafeSlow(bytes.length);
  bytes.copy(copy);
  return copy;
}
