/**
 * Transport acknowledgement by a recipient: "done" (received intact) or "fail"
 * (could not take it, with a reason that is reported to the sender).
 * Acknowledging twice with the same result is answered like the first time.
 */
import { HubError } from '../shared/hub-error.js';
import { appendAuditEvent, appendAuditEvents, type AuditEventInput } from '../audit/append-event.js';
import { groupBy } from '../shared/group-by.js';
import { acknowledgeMany, deliveryStates, getDeliveryForUpdate, transition, type AcknowledgedRow, type DeliveryRow } from '../store/delivery-repo.js';
import { getMessage } from '../store/message-repo.js';
import type { ExchangeDeps } from './exchange-deps.js';
import { isUuid, notFound } from './read-access.js';
import { notifySender } from './notify-sender.js';

export interface AckInput {
  result: 'done' | 'fail';
  reason?: string;
}

export async function acknowledgeDelivery(deps: ExchangeDeps, callerOrganId: string, deliveryId: string, input: AckInput): Promise<DeliveryRow> {
  if (!isUuid(deliveryId)) throw notFound('delivery', deliveryId);
  const row = await deps.db.tx(async (q) => {
    const d = await getDeliveryForUpdate(q, deliveryId);
    if (!d || d.recipient !== callerOrganId) throw notFound('delivery', deliveryId);
    if (d.state === 'acknowledged' || d.state === 'failed') {
      if (d.ack_result === input.result) return { row: d, changed: false };
      throw new HubError('exchange.already_acknowledged', `delivery ${deliveryId} was already acknowledged as "${d.ack_result ?? d.state}"`, { status: 409 });
    }
    if (d.mode === 'push' && d.state !== 'available' && d.state !== 'fetched') {
      throw new HubError('exchange.not_acknowledgeable', `delivery ${deliveryId} is ${d.state}; push deliveries are acknowledged by the 2xx answer`, { status: 409 });
    }
    const next = await transition(q, deliveryId, ['available', 'fetched'], input.result === 'done' ? 'acknowledged' : 'failed', {
      ack_result: input.result,
      ack_reason: input.reason ?? null,
      stamp: ['acked_at'],
    });
    if (!next) throw new HubError('exchange.not_acknowledgeable', `delivery ${deliveryId} is ${d.state}`, { status: 409 });
    const m = await getMessage(q, d.message_id);
    await appendAuditEvent(q, {
      type: input.result === 'done' ? 'delivery.acknowledged' : 'delivery.failed',
      actor: callerOrganId,
      organs: [m?.from_organ ?? callerOrganId, callerOrganId],
      messageId: d.message_id,
      deliveryId,
      documentId: m?.document_id,
      data: { result: input.result, reason: input.reason ?? null },
    });
    return { row: next, changed: true };
  });
  if (row.changed) {
    if (input.result === 'fail') {
      await notifySender(deps, row.row).catch((err: unknown) =>
        deps.log.error({ err, deliveryId }, 'could not notify the sender of a failed delivery'),
      );
    }
    deps.metrics.acknowledged(input.result);
    deps.log.info({ deliveryId, messageId: row.row.message_id, recipient: callerOrganId, result: input.result }, 'delivery acknowledged');
  }
  return row.row;
}

/**
 * The log entries of a batch acknowledgement: one per sender and result
 * (`deliveries.acknowledged`, `deliveries.failed` with each reason), listing
 * the deliveries it changed (an agency sees only entries about its own messages).
 */
function batchAckEvents(recipient: string, rows: readonly AcknowledgedRow[]): AuditEventInput[] {
  return groupBy(rows, (d) => `${d.from_organ}\n${d.ack_result === 'done' ? 'done' : 'fail'}`).map(([, list]) => {
    const done = list[0]!.ack_result === 'done';
    return {
      type: done ? 'deliveries.acknowledged' : 'deliveries.failed',
      actor: recipient,
      organs: [list[0]!.from_organ, recipient],
      data: {
        recipient,
        result: done ? 'done' : 'fail',
        deliveries: list.map((d) => ({
          deliveryId: d.id,
          messageId: d.message_id,
          documentId: d.document_id,
          ...(done ? {} : { reason: d.ack_reason }),
        })),
      },
      listsMessages: list.map((d) => d.message_id),
    };
  });
}

export interface BatchAckItem extends AckInput {
  id: string;
}

export type BatchAckOutcome = 'acknowledged' | 'failed' | 'already' | 'conflict' | 'not_found';

/**
 * Acknowledges up to 1,000 pull deliveries of the caller at once (one
 * transaction, one update, one log insert): what a busy recipient uses to keep
 * up. Each item gets its own outcome, under the id as it was sent; repeating
 * an acknowledgement is "already". Ids are UUIDs in any case. A delivery named
 * twice is acknowledged by its first item; a later item with the same result
 * gets the same outcome, one with another result is a "conflict" (as a second
 * single acknowledgement with another result is refused).
 */
export async function acknowledgeDeliveries(
  deps: ExchangeDeps,
  callerOrganId: string,
  items: BatchAckItem[],
): Promise<{ id: string; outcome: BatchAckOutcome }[]> {
  // PostgreSQL answers ids in lower case: every lookup below is by the lower-case id.
  const keyOf = (i: BatchAckItem): string | null => (isUuid(i.id) ? i.id.toLowerCase() : null);
  const first = new Map<string, BatchAckItem>();
  for (const i of items) {
    const key = keyOf(i);
    if (key !== null && !first.has(key)) first.set(key, { ...i, id: key });
  }
  const valid = [...first.values()];
  const moved = await deps.db.tx(
    async (q) => {
      const rows = await acknowledgeMany(q, callerOrganId, valid);
      await appendAuditEvents(q, batchAckEvents(callerOrganId, rows));
      return rows;
    },
    { byKey: true },
  );
  const movedIds = new Map(moved.map((d) => [d.id, d]));
  const others = await deliveryStates(deps.db, callerOrganId, valid.map((i) => i.id).filter((id) => !movedIds.has(id)));
  for (const d of moved) {
    deps.metrics.acknowledged(d.ack_result ?? 'done');
    if (d.ack_result === 'fail') {
      await notifySender(deps, d).catch((err: unknown) =>
        deps.log.error({ err, deliveryId: d.id }, 'could not notify the sender of a failed delivery'),
      );
    }
  }
  if (moved.length > 0) deps.log.info({ recipient: callerOrganId, acknowledged: moved.length }, 'deliveries acknowledged in a batch');
  return items.map((i) => {
    const key = keyOf(i);
    const d = key === null ? undefined : movedIds.get(key);
    if (d) {
      if (d.ack_result !== i.result) return { id: i.id, outcome: 'conflict' };
      return { id: i.id, outcome: d.state === 'failed' ? 'failed' : 'acknowledged' };
    }
    const o = key === null ? undefined : others.get(key);
    if (!o) return { id: i.id, outcome: 'not_found' };
    if ((o.state === 'acknowledged' || o.state === 'failed') && o.ack_result === i.result) return { id: i.id, outcome: 'already' };
    return { id: i.id, outcome: 'conflict' };
  });
}
