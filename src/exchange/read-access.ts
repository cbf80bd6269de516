/**
 * Who may see a message: its sender and its recipients. Anyone else gets the
 * same 404 as for a message that does not exist, so ids reveal nothing.
 */
import { HubError } from '../shared/hub-error.js';
import type { Queryable } from '../store/db.js';
import { getMessage, type MessageRow } from '../store/message-repo.js';

export function notFound(what: string, id: string): HubError {
  return new HubError('exchange.not_found', `${what} ${id} does not exist or is not visible to you`, { status: 404 });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(id: string): boolean {
  return UUID.test(id);
}

/** Whether `organId` may see the message: its sender or one of its recipients. */
export function isVisibleTo(m: Pick<MessageRow, 'from_organ' | 'recipients'>, organId: string): boolean {
  return m.from_organ === organId || m.recipients.includes(organId);
}

/** The message if `organId` sent it or is one of its recipients; 404 otherwise. */
export async function messageVisibleTo(q: Queryable, id: string, organId: string): Promise<MessageRow> {
  if (!isUuid(id)) throw notFound('message', id);
  const m = await getMessage(q, id);
  if (!m || !isVisibleTo(m, organId)) throw notFound('message', id);
  return m;
}
