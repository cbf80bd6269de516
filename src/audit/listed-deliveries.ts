/**
 * Entries about many deliveries at once (`deliveries.fetched`,
 * `deliveries.acknowledged`, `deliveries.failed`: a recipient's page fetch or
 * batch acknowledgement, one entry per sender) list them in
 * `data.deliveries`. These helpers read that list, so every reader of the log
 * treats a listed delivery like one named by the entry itself.
 */

/** One delivery as a `deliveries.*` entry lists it. */
export interface ListedDelivery {
  deliveryId: string;
  messageId: string;
  documentId: string | null;
  /** A failed acknowledgement's reason. */
  reason?: string | null;
}

const isString = (v: unknown): v is string => typeof v === 'string';

/** The deliveries an entry's data lists with their message (none for an entry about one delivery). */
export function listedDeliveries(data: Record<string, unknown>): ListedDelivery[] {
  const list = data.deliveries;
  if (!Array.isArray(list)) return [];
  const out: ListedDelivery[] = [];
  for (const item of list as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const d = item as Record<string, unknown>;
    // message.accepted lists its deliveries too, without a messageId: the entry's own.
    if (!isString(d.deliveryId) || !isString(d.messageId)) continue;
    out.push({
      deliveryId: d.deliveryId,
      messageId: d.messageId,
      documentId: isString(d.documentId) ? d.documentId : null,
      ...(d.reason === undefined ? {} : { reason: isString(d.reason) ? d.reason : null }),
    });
  }
  return out;
}

/** What an entry says it is about: its own ids and those of the deliveries it lists. */
export interface EntryIds {
  messageId: string | null;
  deliveryId: string | null;
  documentId: string | null;
  data: Record<string, unknown>;
}

export function isAboutMessage(e: EntryIds, messageId: string): boolean {
  return e.messageId === messageId || listedDeliveries(e.data).some((d) => d.messageId === messageId);
}

export function isAboutDocument(e: EntryIds, documentId: string): boolean {
  return e.documentId === documentId || listedDeliveries(e.data).some((d) => d.documentId === documentId);
}

/** The entry's own delivery, or the one it lists with this id; null when it is about neither. */
export function aboutDelivery(e: EntryIds, deliveryId: string): { reason?: string | null } | null {
  if (e.deliveryId === deliveryId) return {};
  return listedDeliveries(e.data).find((d) => d.deliveryId === deliveryId) ?? null;
}
