/**
 * Optional capability of a `Db`: PostgreSQL LISTEN/NOTIFY. Consumers (the audit
 * sealer) use it when present and fall back to polling otherwise.
 */
export interface Listenable {
  /** Subscribes to a channel on a dedicated connection; resolves to an unsubscribe function. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
}

/** True when the db offers LISTEN/NOTIFY. */
export function isListenable(db: object): db is Listenable {
  return typeof (db as Partial<Listenable>).listen === 'function';
}
