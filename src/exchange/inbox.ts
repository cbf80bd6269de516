/**
 * Pull delivery: the recipient lists what waits for it, fetches the exact bytes
 * (which marks the delivery fetched) and acknowledges.
 */
import { appendAuditEvents, changeAndAppendAuditEvents, runGuard, type AuditEventInput } from '../audit/append-event.js';
import { groupBy } from '../shared/group-by.js';
import { markFetched, markOneFetched } from '../store/delivery-repo.js';
import { getMessageBodies, getMessageHeaders, getMessageWithBody, type MessageHeaderRow } from '../store/message-repo.js';
import { BodyPurgedError, readWhole } from '../store/body-slices.js';
import type { PartedBytes } from '../shared/bytes-body.js';
import { HubError } from '../shared/hub-error.js';
import type { Queryable } from '../store/db.js';
import type { ExchangeDeps } from './exchange-deps.js';
import { messageHeaderView, type MessageHeaderView } from './message-view.js';
import { isUuid, isVisibleTo, notFound } from './read-access.js';
import { listInbox as listInboxRows } from '../store/delivery-repo.js';

export interface InboxEntry {
  deliveryId: string;
  state: 'available' | 'fetched';
  cursor: string;
  message: MessageHeaderView;
}

export interface InboxPage<E extends InboxEntry = InboxEntry> {
  entries: E[];
  /** Pass as `after` for the next page; null when this page is the last one so far. */
  next: string | null;
}

export async function listInbox(q: Queryable, organId: string, after: string | null, limit: number): Promise<InboxPage> {
  const { page } = await readInbox(q, organId, after, limit);
  return page;
}

async function readInbox(q: Queryable, organId: string, after: string | null, limit: number): Promise<{ page: InboxPage; rows: Map<string, MessageHeaderRow> }> {
  const rows = await listInboxRows(q, organId, after, limit);
  const messages = await getMessageHeaders(q, [...new Set(rows.map((d) => d.message_id))]);
  const entries: InboxEntry[] = [];
  for (const d of rows) {
    const m = messages.get(d.message_id);
    if (!m) continue;
    entries.push({ deliveryId: d.id, state: d.state as 'available' | 'fetched', cursor: d.seq, message: messageHeaderView(m) });
  }
  return { page: { entries, next: rows.length === limit ? (rows[rows.length - 1]?.seq ?? null) : null }, rows: messages };
}

export interface InboxEntryWithBytes extends InboxEntry {
  /** The exact bytes as submitted; null when retention purged them (the entry can still be acknowledged). */
  bytes: Buffer | null;
}

export type InboxPageWithBytes = InboxPage<InboxEntryWithBytes>;

/**
 * A page of the inbox with each message's exact bytes, for recipients that
 * poll: one request instead of one per message. Entries stop before `maxBytes`
 * of documents (always at least one). Every delivery returned counts as
 * fetched, recorded in the log by one entry per sender for the page.
 */
export async function fetchInbox(deps: ExchangeDeps, organId: string, after: string | null, limit: number, maxBytes: number): Promise<InboxPageWithBytes> {
  const { page, rows } = await readInbox(deps.db, organId, after, limit);
  // The cut is decided on the recorded sizes, so only the bytes sent are read.
  let total = 0;
  let taken = 0;
  for (const e of page.entries) {
    total += e.message.size;
    if (taken > 0 && total > maxBytes) break;
    taken += 1;
  }
  const included = page.entries.slice(0, taken);
  const bodies = await readBodies(deps, included.map((e) => e.message.id));
  const entries: InboxEntryWithBytes[] = included.map((e) => ({ ...e, bytes: bodies.get(e.message.id) ?? null }));
  const next = taken < page.entries.length ? entries[taken - 1]!.cursor : page.next;
  const firstFetches = entries.filter((e) => e.state === 'available' && e.bytes !== null);
  if (firstFetches.length > 0) {
    // The state change and its log entries in one transaction: the entries list only the deliveries this fetch changed.
    const fetched = await deps.db.tx(
      async (q) => {
        const changed = new Set(await runGuard(q, markFetched(firstFetches.map((e) => e.deliveryId))));
        const now = firstFetches.filter((e) => changed.has(e.deliveryId));
        await appendAuditEvents(q, pageFetchedEvents(organId, now.map((e) => ({ deliveryId: e.deliveryId, message: rows.get(e.message.id)! }))));
        return changed;
      },
      { byKey: true },
    );
    for (const e of entries) if (fetched.has(e.deliveryId)) e.state = 'fetched';
  }
  return { entries, next };
}

/** The bytes of these messages: the ones this process accepted lately from memory, the others from the database. */
async function readBodies(deps: ExchangeDeps, ids: readonly string[]): Promise<Map<string, Buffer | null>> {
  const bodies = new Map<string, Buffer | null>();
  const missing: string[] = [];
  for (const id of new Set(ids)) {
    const held = deps.recentBodies.get(id);
    if (held) bodies.set(id, held);
    else missing.push(id);
  }
  deps.metrics.inboxBodies(bodies.size, missing.length);
  for (const [id, bytes] of await getMessageBodies(deps.db, missing)) bodies.set(id, bytes);
  return bodies;
}

/** The log entry of one delivery fetched on its own (GET /v1/messages/:id). */
function fetchedEvent(organId: string, m: MessageHeaderRow, deliveryId: string): AuditEventInput {
  return {
    type: 'delivery.fetched',
    actor: organId,
    organs: [m.from_organ, organId],
    messageId: m.id,
    deliveryId,
    documentId: m.document_id,
    data: { recipient: organId },
  };
}

/**
 * The log entries of a page fetch: one per sender, listing the deliveries
 * fetched (an agency sees only entries about its own messages).
 */
function pageFetchedEvents(organId: string, fetched: { deliveryId: string; message: MessageHeaderRow }[]): AuditEventInput[] {
  return groupBy(fetched, (f) => f.message.from_organ).map(([sender, list]) => ({
    type: 'deliveries.fetched',
    actor: organId,
    organs: [sender, organId],
    data: {
      recipient: organId,
      deliveries: list.map((f) => ({ deliveryId: f.deliveryId, messageId: f.message.id, documentId: f.message.document_id })),
    },
    listsMessages: list.map((f) => f.message.id),
  }));
}

/**
 * The exact bytes of a message for its sender or a recipient, as a body to
 * send (a large one is read from the database as it is sent); a recipient's
 * first fetch is recorded.
 */
export async function fetchMessage(deps: ExchangeDeps, organId: string, id: string): Promise<{ body: PartedBytes; sha256: string; deliveryId: string | null }> {
  const found = isUuid(id) ? await getMessageWithBody(deps.db, id, organId) : null;
  const m = found?.message;
  if (!found || !m || !isVisibleTo(m, organId)) throw notFound('message', id);
  if (!found.body) throw purged(id);
  const d = found.delivery;
  if (d && d.state === 'available') {
    // The state change and its log entry in one statement: atomic without a transaction's round trips.
    // (Recorded before the bytes go: a body purged while it is being sent then ends the download short.)
    await changeAndAppendAuditEvents(deps.db, markOneFetched(d.id), [fetchedEvent(organId, m, d.id)]);
  }
  return { body: found.body, sha256: m.sha256, deliveryId: d?.id ?? null };
}

/** {@link fetchMessage} with the bytes whole in memory (for the console, which reads the document). */
export async function fetchMessageBytes(deps: ExchangeDeps, organId: string, id: string): Promise<Buffer> {
  const { body } = await fetchMessage(deps, organId, id);
  try {
    return await readWhole(body);
  } catch (e) {
    throw e instanceof BodyPurgedError ? purged(id) : e;
  }
}

function purged(id: string): HubError {
  return new HubError('exchange.purged', `the bytes of message ${id} were purged by the retention policy; its log entries remain`, { status: 410 });
}
