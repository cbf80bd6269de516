/**
 * Tells a sender that a recipient's copy failed — the recipient refused it at
 * transport level ("fail" acknowledgement) or the hub gave up pushing it
 * (undeliverable). The notice is an ordinary edXML status message (02,
 * refused/returned) built with the writer, signed with the hub's key, From the
 * hub's own id, and delivered to the sender like any status. One per delivery.
 */
import { createHash } from 'node:crypto';
import { timeOrderedId } from '../shared/time-ordered-id.js';
import { buildStatus } from '../edxml/build-edxml.js';
import { readEdxmlDocument } from '../edxml/read-edxml.js';
import { signEdxml } from '../pki/xmldsig/sign-edxml.js';
import { auditEventWrites } from '../audit/append-event.js';
import { getAgencies } from '../store/agency-repo.js';
import { advisoryKey } from '../store/advisory-key.js';
import { clearDueNotice, initialDeliveryState, listDueNotices, postponeDueNotice, type DeliveryRow } from '../store/delivery-repo.js';
import { findHubNotice, getMessage, insertMessage, SEQ_ORDER_LOCK } from '../store/message-repo.js';
import type { ExchangeDeps } from './exchange-deps.js';
import { messageSummary } from './message-view.js';

/** A failed or undeliverable delivery, with what its recipient said or what the last push attempt met. */
export type FailedDelivery = Pick<DeliveryRow, 'id' | 'message_id' | 'recipient' | 'state' | 'ack_reason'> & Partial<Pick<DeliveryRow, 'last_error'>>;

/** The longest failure reason a notice repeats, in characters. */
const MAX_REASON_CHARS = 500;
/** The longest notice Description, in characters. */
const MAX_DESCRIPTION_CHARS = 1000;

// Any character XML 1.0 does not allow (its Char production): C0 controls but tab, LF and CR,
// lone surrogates, U+FFFE and U+FFFF.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * Text from outside (a recipient's reason, an endpoint's answer) made fit for
 * the notice: what XML 1.0 does not allow becomes U+FFFD — else building the
 * notice would throw every time and the notice would never go — and it is cut
 * to `max` characters (whole characters: never half a surrogate pair).
 */
export function noticeText(text: string, max: number): string {
  const chars = Array.from(text.replace(NOT_XML_CHAR, '\uFFFD'));
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join('');
}

/** What the notice tells the sender: the recipient's reason for a "fail", the last push error for an undeliverable copy. */
function failureReason(d: FailedDelivery): string {
  return noticeText(d.state === 'undeliverable' ? (d.last_error ?? 'undeliverable') : (d.ack_reason ?? 'no reason given'), MAX_REASON_CHARS);
}

/**
 * Sends the sender its notice about a failed delivery, once: resolves to the
 * notice's message id, or null when it was sent before or none is due. The
 * delivery's state change recorded the notice as due (`notices_due`); sending
 * it clears that, and `repairSenderNotices` sends those a crash left due.
 */
export async function notifySender(deps: ExchangeDeps, delivery: FailedDelivery): Promise<string | null> {
  const reason = failureReason(delivery);
  const original = await getMessage(deps.db, delivery.message_id);
  const sender = original && !original.generated_by_hub ? (await getAgencies(deps.db, [original.from_organ])).get(original.from_organ) : undefined;
  if (!original || !sender) {
    // Never a notice about a notice, nor to a sender no longer in the directory.
    await clearDueNotice(deps.db, delivery.id);
    return null;
  }
  const what = delivery.state === 'undeliverable' ? 'Không chuyển được văn bản đến' : 'Văn bản bị từ chối tiếp nhận (lỗi truyền nhận) bởi';
  const unsigned = buildStatus({
    from: { organId: deps.config.hubOrganId, organName: 'edoc-hub (trục liên thông)' },
    responseFor: {
      organId: original.from_organ,
      documentId: original.document_id,
      ...(original.code_number ? { code: [original.code_number, original.code_notation].filter(Boolean).join('/') } : {}),
    },
    statusCode: '02',
    description: noticeText(`${what} ${delivery.recipient}: ${reason}`, MAX_DESCRIPTION_CHARS),
    staffInfo: { department: 'edoc-hub', staff: 'hệ thống' },
  });
  const bytes = signEdxml(unsigned, { keyPem: deps.hubSigningKeyPem, certPem: deps.hubSigner.certificatePem, c14n: 'exclusive' });
  const { message, doc } = readEdxmlDocument(bytes, { maxBytes: deps.config.maxMessageBytes, maxDepth: deps.config.maxXmlDepth });
  const verdict = deps.signatures.checkHubSigned(doc, message);
  const sha256 = createHash('sha256').update(bytes).digest('hex');

  // One notice per delivery: the lock makes the check-then-insert below safe across processes.
  const id = await deps.db.tx(async (q) => {
    await clearDueNotice(q, delivery.id);
    if (await findHubNotice(q, delivery.id)) return null;
    const messageId = timeOrderedId();
    const mode = sender.delivery.mode;
    const d = { id: timeOrderedId(), recipient: original.from_organ, mode, state: initialDeliveryState(mode) };
    await insertMessage(
      q,
      {
        id: messageId,
        kind: 'status',
        from_organ: deps.config.hubOrganId,
        recipients: [original.from_organ],
        document_id: original.document_id,
        business_doc_type: null,
        status_code: '02',
        sha256,
        size: bytes.length,
        subject: message.kind === 'status' ? (message.description ?? null) : null,
        code_number: null,
        code_notation: null,
        priority: null,
        signature: verdict as unknown as Record<string, unknown>,
        summary: { ...messageSummary(message), noticeForDelivery: delivery.id },
        related_message_id: original.id,
        generated_by_hub: true,
      },
      bytes,
      [d],
      auditEventWrites([
        {
          type: 'status.routed',
          actor: 'hub',
          organs: [original.from_organ, delivery.recipient],
          messageId,
          documentId: original.document_id,
          data: { statusCode: '02', generatedByHub: true, aboutDelivery: delivery.id, recipient: delivery.recipient, reason, sha256 },
        },
      ]),
    );
    return { messageId, push: d.mode === 'push' ? [d.id] : [] };
  }, { locks: [advisoryKey('notice', delivery.id), SEQ_ORDER_LOCK] });
  if (!id) return null;
  deps.scheduler.schedulePush(id.push);
  deps.log.info({ messageId: id.messageId, deliveryId: delivery.id, sender: original.from_organ }, 'sender notified of a failed delivery');
  return id.messageId;
}

/**
 * Sends the notices still due `graceMs` after their delivery failed (the process
 * that changed its state crashed, or sending the notice failed): run by the
 * reconciler. Resolves to how many it sent. A notice that fails again is logged
 * and put behind the others due (its due time becomes now): one that cannot be
 * made never keeps the others in the oldest `limit` from being sent.
 */
export async function repairSenderNotices(deps: ExchangeDeps, graceMs: number, limit = 100): Promise<number> {
  let sent = 0;
  for (const d of await listDueNotices(deps.db, new Date(Date.now() - graceMs), limit)) {
    try {
      if (await notifySender(deps, d)) sent += 1;
    } catch (err) {
      deps.log.error({ err, deliveryId: d.id }, 'could not notify the sender of a failed delivery; will try again after the other notices due');
      await postponeDueNotice(deps.db, d.id).catch((e: unknown) => deps.log.warn({ err: e, deliveryId: d.id }, 'could not put the notice behind the others'));
    }
  }
  if (sent > 0) deps.log.warn({ sent }, 'sent failure notices that were still due (after a crash or an error)');
  return sent;
}
