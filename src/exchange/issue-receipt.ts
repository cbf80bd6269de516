/**
 * Signed receipts: the hub's statement of exactly what it accepted (submission
 * receipt) and of each recipient's acknowledgement (delivery receipt), with the
 * position of the corresponding event in the exchange log. Issued on first
 * request (after the event is chained), stored, and handed out unchanged.
 * A third party verifies one offline with `openssl cms -verify` and the hub's CA.
 */
import { waitSealed } from '../audit/wait-sealed.js';
import { aboutDelivery } from '../audit/listed-deliveries.js';
import { aboutMessageSql, RECORD_COLUMNS, type RecordRow } from '../audit/sql-fragments.js';
import { buildReceipt } from '../pki/receipts/receipt.js';
import { HubError } from '../shared/hub-error.js';
import { getDelivery } from '../store/delivery-repo.js';
import { getMessage } from '../store/message-repo.js';
import { getReceipt, putReceipt } from '../store/receipt-repo.js';
import type { ExchangeDeps } from './exchange-deps.js';
import { isUuid, messageVisibleTo, notFound } from './read-access.js';

export async function submissionReceipt(deps: ExchangeDeps, organId: string, messageId: string): Promise<Buffer> {
  const m = await messageVisibleTo(deps.db, messageId, organId);
  const key = `message:${m.id}`;
  const stored = await getReceipt(deps.db, key);
  if (stored) return stored;
  const log = await waitSealed(deps.db, { messageId: m.id, type: 'message.accepted' });
  const content = {
    type: 'edoc-hub.submission-receipt',
    version: 1,
    statement: 'The hub accepted these exact bytes from the sender for delivery to the recipients.',
    messageId: m.id,
    sha256: m.sha256,
    size: m.size,
    kind: m.kind,
    from: m.from_organ,
    to: m.recipients,
    documentId: m.document_id,
    acceptedAt: m.accepted_at.toISOString(),
    signature: (m.signature as { status?: string }).status ?? null,
    log: { seq: log.seq, hash: log.hash },
  };
  return putReceipt(deps.db, key, 'submission', buildReceipt(content, deps.hubSigner).bytes);
}

export async function deliveryReceipt(deps: ExchangeDeps, organId: string, deliveryId: string): Promise<Buffer> {
  if (!isUuid(deliveryId)) throw notFound('delivery', deliveryId);
  const d = await getDelivery(deps.db, deliveryId);
  const m = d ? await getMessage(deps.db, d.message_id) : null;
  if (!d || !m || (d.recipient !== organId && m.from_organ !== organId)) throw notFound('delivery', deliveryId);
  const key = `delivery:${d.id}`;
  const stored = await getReceipt(deps.db, key);
  if (stored) return stored;
  if (d.state !== 'acknowledged') {
    throw new HubError('exchange.not_acknowledged', `delivery ${deliveryId} is ${d.state}; a delivery receipt exists once the recipient acknowledged it`, { status: 409 });
  }
  // The entry that recorded it: its own, or a batch acknowledgement listing it.
  const events = await deps.db.query<RecordRow>(
    `SELECT ${RECORD_COLUMNS} FROM audit_events e
      WHERE ${aboutMessageSql('$1')} AND e.type IN ('delivery.acknowledged', 'delivery.pushed', 'deliveries.acknowledged') ORDER BY e.id`,
    [m.id],
  );
  const row = events.rows.find((e) => aboutDelivery({ messageId: e.message_id, deliveryId: e.delivery_id, documentId: e.document_id, data: e.data }, d.id));
  if (!row) throw new HubError('exchange.not_acknowledged', `no acknowledgement of delivery ${deliveryId} is in the log`, { status: 409 });
  const log = await waitSealed(deps.db, { eventId: row.event_id });
  const content = {
    type: 'edoc-hub.delivery-receipt',
    version: 1,
    statement: 'The recipient acknowledged receiving these exact bytes through the hub.',
    deliveryId: d.id,
    messageId: m.id,
    sha256: m.sha256,
    from: m.from_organ,
    recipient: d.recipient,
    documentId: m.document_id,
    mode: d.mode,
    acknowledgedBy: row.type === 'delivery.pushed' ? 'endpoint answered 2xx' : 'recipient acknowledgement',
    acknowledgedAt: (d.acked_at ?? d.delivered_at ?? d.updated_at).toISOString(),
    log: { seq: log.seq, hash: log.hash },
  };
  return putReceipt(deps.db, key, 'delivery', buildReceipt(content, deps.hubSigner).bytes);
}
