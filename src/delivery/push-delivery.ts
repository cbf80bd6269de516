/**
 * One push attempt for one delivery, driven by the database state:
 * claim (queued/retrying → pushing, attempts + 1) → POST with the delivery id
 * header → 2xx: acknowledged; otherwise retrying, or undeliverable when the
 * attempts are used up (the sender is told). A delivery that an endpoint
 * answered 2xx is never pushed again: the claim only takes rows not yet done,
 * and the X-Edoc-Delivery-Id header lets the endpoint drop a repeat after a
 * crash between its 2xx and our commit.
 */
import type { Logger } from 'pino';
import { appendAuditEvent } from '../audit/append-event.js';
import type { Db, Queryable } from '../store/db.js';
import type { AuditEventType } from '../audit/event-types.js';
import { getAgencies } from '../store/agency-repo.js';
import { moveToInbox, transition, type DeliveryRow } from '../store/delivery-repo.js';
import { getMessageWithBody, SEQ_ORDER_LOCK } from '../store/message-repo.js';
import type { PushClient } from './push-client.js';
import { failpoint } from '../shared/failpoint.js';

export type PushOutcome = 'delivered' | 'retry' | 'undeliverable' | 'skipped' | 'rerouted';

export interface PushDeps {
  db: Db;
  client: PushClient;
  log: Logger;
  maxAttempts: number;
  timeoutMs: number;
  /** Called after a delivery became undeliverable (tells the sender). */
  onUndeliverable?: (d: DeliveryRow) => Promise<void>;
}

export async function pushDelivery(deps: PushDeps, deliveryId: string): Promise<{ outcome: PushOutcome; error?: string }> {
  const claimed = await transition(deps.db, deliveryId, ['queued', 'retrying', 'pushing'], 'pushing', { incrementAttempts: true });
  if (!claimed) return { outcome: 'skipped' };
  const stored = await getMessageWithBody(deps.db, claimed.message_id, claimed.recipient);
  const message = stored?.message ?? null;
  const body = stored?.body ?? null;
  const agency = (await getAgencies(deps.db, [claimed.recipient])).get(claimed.recipient);
  const log = deps.log.child({ deliveryId, messageId: claimed.message_id, recipient: claimed.recipient, attempt: claimed.attempts });
  /** The exchange-log entry of what became of this delivery, in the transaction `q` that changed it. */
  const logChange = (q: Queryable, type: AuditEventType, data: Record<string, unknown>): Promise<unknown> =>
    appendAuditEvent(q, {
      type,
      actor: 'hub',
      organs: [message?.from_organ ?? claimed.recipient, claimed.recipient],
      messageId: claimed.message_id,
      deliveryId: claimed.id,
      ...(message ? { documentId: message.document_id } : {}),
      data,
    });

  if (message && body && agency?.active && agency.delivery.mode === 'pull') {
    // The recipient switched to polling since (an operator changed its directory entry): the copy
    // waits in its inbox instead of failing for want of an endpoint.
    const moved = await deps.db.tx(
      async (q) => {
        const d = await moveToInbox(q, claimed.id);
        if (d) await logChange(q, 'delivery.rerouted', { recipient: claimed.recipient, from: 'push', to: 'pull', attempts: claimed.attempts });
        return d;
      },
      { locks: [SEQ_ORDER_LOCK] },
    );
    if (moved) log.info('the recipient polls now: the delivery is in its inbox');
    return { outcome: moved ? 'rerouted' : 'skipped' };
  }

  let error: string;
  if (!message || !body) {
    error = 'the message bytes are no longer stored';
  } else if (!agency || agency.delivery.mode !== 'push') {
    error = `${claimed.recipient} has no push endpoint in the directory`;
  } else {
    const endpoint = agency.delivery.endpoint;
    failpoint('push.before-post');
    try {
      const res = await deps.client.post({
        endpoint,
        body,
        timeoutMs: deps.timeoutMs,
        headers: {
          'x-edoc-delivery-id': claimed.id,
          'x-edoc-message-id': message.id,
          'x-edoc-from': message.from_organ,
          'x-edoc-sha256': message.sha256,
          'x-edoc-attempt': String(claimed.attempts),
        },
      });
      if (res.status >= 200 && res.status < 300) {
        failpoint('push.after-2xx');
        await deps.db.tx(async (q) => {
          const done = await transition(q, claimed.id, ['pushing'], 'acknowledged', { ack_result: 'done', stamp: ['delivered_at', 'acked_at'], last_error: null });
          if (done) await logChange(q, 'delivery.pushed', { recipient: claimed.recipient, endpoint, httpStatus: res.status, attempt: claimed.attempts });
        });
        log.info({ httpStatus: res.status }, 'pushed');
        return { outcome: 'delivered' };
      }
      error = `endpoint answered HTTP ${res.status}${res.body ? `: ${res.body.slice(0, 200)}` : ''}`;
    } catch (e) {
      error = `push failed: ${(e as Error).message}`;
    }
  }

  // The endpoint's answer is anybody's text: `transition` and the log store a NUL or a lone
  // surrogate in it as U+FFFD, so it cannot fail the transaction below.
  const exhausted = claimed.attempts >= deps.maxAttempts;
  const failed = await deps.db.tx(async (q) => {
    const next = await transition(q, claimed.id, ['pushing'], exhausted ? 'undeliverable' : 'retrying', { last_error: error });
    if (next) await logChange(q, exhausted ? 'delivery.undeliverable' : 'delivery.retried', { recipient: claimed.recipient, attempt: claimed.attempts, error });
    return next;
  });
  if (exhausted) {
    log.warn({ error }, 'undeliverable: attempts used up');
    if (failed && deps.onUndeliverable) await deps.onUndeliverable(failed);
    return { outcome: 'undeliverable', error };
  }
  log.info({ error }, 'push failed; will retry');
  return { outcome: 'retry', error };
}
