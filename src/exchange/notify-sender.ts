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
import { initialDeliveryState, type DeliveryRow } from '../store/delivery-repo.js';
import { findHubNotice, getMessage, insertMessage, SEQ_ORDER_LOCK } from '../store/message-repo.js';
import type { ExchangeDeps } from './exchange-deps.js';
import { messageSummary } from './message-view.js';

export async function notifySender(deps: ExchangeDeps, delivery: Pick<DeliveryRow, 'id' | 'message_id' | 'recipient' | 'state'>, reason: string): Promise<string | null> {
  const original = await getMessage(deps.db, delivery.message_id);
  if (!original || original.generated_by_hub) return null; // never a notice about a notice
  const sender = (await getAgencies(deps.db, [original.from_organ])).get(original.from_organ);
  if (!sender) return null;
  const what = delivery.state === 'undeliverable' ? 'Không chuyển được văn bản đến' : 'Văn bản bị từ chối tiếp nhận (lỗi truyền nhận) bởi';
  const unsigned = buildStatus({
    from: { organId: deps.config.hubOrganId, organName: 'edoc-hub (trục liên thông)' },
    responseFor: {
      organId: original.from_organ,
      documentId: original.document_id,
      ...(original.code_number ? { code: [original.code_number, original.code_notation].filter(Boolean).join('/') } : {}),
    },
    statusCode: '02',
    description: `${what} ${delivery.recipient}: ${reason}`.slice(0, 1000),
    staffInfo: { department: 'edoc-hub', staff: 'hệ thống' },
  });
  const bytes = signEdxml(unsigned, { keyPem: deps.hubSigningKeyPem, certPem: deps.hubSigner.certificatePem, c14n: 'exclusive' });
  const { message, doc } = readEdxmlDocument(bytes, { maxBytes: deps.config.maxMessageBytes, maxDepth: deps.config.maxXmlDepth });
  const verdict = deps.signatures.checkHubSigned(doc, message);
  const sha256 = createHash('sha256').update(bytes).digest('hex');

  // One notice per delivery: the lock makes the check-then-insert below safe across processes.
  const id = await deps.db.tx(async (q) => {
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
