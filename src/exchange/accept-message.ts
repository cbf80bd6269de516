/**
 * Accepting a submitted message — the story of the hub's front door:
 * check size → parse → the caller is From → every recipient is known →
 * signature per the sender's policy → duplicate/conflict check → commit the
 * exact bytes, the deliveries, the statuses and the log entries in ONE
 * transaction → hand push deliveries to the queue. "Accepted" is answered only
 * after the commit; the queue step may be lost and is repaired by the reconciler.
 */
import { createHash } from 'node:crypto';
import { timeOrderedId } from '../shared/time-ordered-id.js';
import { HubError, isHubError } from '../shared/hub-error.js';
import { failpoint } from '../shared/failpoint.js';
import { readEdxmlDocument, readEdxmlDocumentInSteps } from '../edxml/read-edxml.js';
import type { EdxmlMessage, StatusMessage } from '../edxml/types.js';
import type { XmlDocument } from '../edxml/xml/tree.js';
import type { Agency } from '../directory/agency.js';
import type { Queryable } from '../store/db.js';
import { advisoryKey } from '../store/advisory-key.js';
import {
  findLatestDocument,
  findPriors,
  insertMessages,
  priorsFromRows,
  priorsQuery,
  SEQ_ORDER_LOCK,
  type MessageRow,
  type MessageToInsert,
  type PlannedDelivery,
} from '../store/message-repo.js';
import { initialDeliveryState } from '../store/delivery-repo.js';
import { findDocumentBetween, hasTakeBackRequest, insertBusinessStatus, type NewBusinessStatus } from '../store/status-repo.js';
import { appendAuditEvent, auditEventWrites, type AuditEventInput } from '../audit/append-event.js';
import type { ExchangeDeps } from './exchange-deps.js';
import { createGroupCommit, type GroupCommit } from '../shared/group-commit.js';
import type { SignatureVerdict } from '../pki/xmldsig/signature-verdict.js';
import { messageSummary } from './message-view.js';

export interface AcceptResult {
  /** true when these exact bytes had been accepted before: the first answer is returned, nothing is delivered again. */
  duplicate: boolean;
  id: string;
  sha256: string;
  kind: 'edoc' | 'status';
  from: string;
  to: string[];
  documentId: string;
  acceptedAt: string;
  signature: SignatureVerdict;
}

/** Documents larger than this are read with readEdxmlDocumentInSteps. */
const READ_IN_STEPS_ABOVE = 1024 * 1024;

/** Statuses a document's recipient reports; 13 (take-back request) comes from the document's sender. */
const SENDER_STATUSES = new Set(['13']);

/** A recipient's answers to a take-back (15 agrees, 16 refuses): only after the sender asked. */
const TAKE_BACK_ANSWERS = new Set(['15', '16']);

function answer(row: MessageRow, duplicate: boolean): AcceptResult {
  return {
    duplicate,
    id: row.id,
    sha256: row.sha256,
    kind: row.kind,
    from: row.from_organ,
    to: row.recipients,
    documentId: row.document_id,
    acceptedAt: row.accepted_at.toISOString(),
    signature: row.signature as unknown as SignatureVerdict,
  };
}

function uniqueInOrder(ids: string[]): string[] {
  return [...new Set(ids)];
}

export interface AcceptOptions {
  /**
   * The hub built and signed this message itself for a signed-in console user
   * of the sending agency: its signature must be the hub's, and the agency's
   * signature policy does not apply (the hub vouches; the user is logged).
   */
  onBehalfOf?: { user: string };
  /** The bytes' hex SHA-256 when the caller took it as they arrived (src/http/read-document-body.ts). */
  sha256?: string | undefined;
}

/** Everything about a submission that can be decided before the transaction. */
interface Checked {
  message: EdxmlMessage;
  sender: Agency;
  recipients: Map<string, Agency>;
  to: string[];
  verdict: SignatureVerdict;
  sha256: string;
}

/** A resubmission of bytes accepted before, found when a check refused it (see `check`). */
interface Resubmitted {
  duplicateOf: MessageRow;
}

async function check(deps: ExchangeDeps, callerOrganId: string, bytes: Buffer, sha256: string, opts: AcceptOptions): Promise<Checked | Resubmitted> {
  // The caller must be the sender (checked below): its entry, and its own size limit, before anything is read,
  // since reading a large document is most of its cost.
  const sender = (await deps.agencies.get([callerOrganId])).get(callerOrganId);
  const limit = sender?.limits.maxMessageBytes;
  if (limit !== undefined && bytes.length > limit) {
    throw new HubError('exchange.too_large', `the message is ${bytes.length} bytes; ${callerOrganId} may send at most ${limit}`, { status: 413, organId: callerOrganId });
  }
  const limits = { maxBytes: deps.config.maxMessageBytes, maxDepth: deps.config.maxXmlDepth };
  // A large document's attachment digests are taken in steps, other requests served between them.
  const { message, doc } = bytes.length > READ_IN_STEPS_ABOVE ? await readEdxmlDocumentInSteps(bytes, limits) : readEdxmlDocument(bytes, limits);
  const from = message.from.organId;
  if (from !== callerOrganId) {
    throw new HubError('exchange.from_mismatch', `From/OrganId is ${from} but the client certificate belongs to ${callerOrganId}`, {
      status: 403,
      organId: from,
      element: 'From',
    });
  }
  try {
    return await admit(deps, message, doc, sender, sha256, opts);
  } catch (e) {
    // These exact bytes, accepted before, get the first answer whatever changed since (a recipient
    // deactivated, the sender's certificate revoked, its policy made stricter): a retry must not read
    // as "never accepted". The refusals are for new submissions.
    if (!isHubError(e)) throw e;
    const [prior] = await findPriors(deps.db, [{ from, kind: message.kind, documentId: message.documentId, sha256 }]);
    if (prior?.duplicate) return { duplicateOf: prior.duplicate };
    throw e;
  }
}

/** The checks after reading: the sender and every recipient are known and active, the signature passes the sender's policy. */
async function admit(deps: ExchangeDeps, message: EdxmlMessage, doc: XmlDocument, sender: Agency | undefined, sha256: string, opts: AcceptOptions): Promise<Checked> {
  const from = message.from.organId;
  const to = uniqueInOrder(message.to);
  const agencies = await deps.agencies.get(to);
  if (!sender || !sender.active) {
    throw new HubError('exchange.unknown_sender', `the sending agency ${from} is not in the directory or not active`, { status: 403, organId: from });
  }
  for (const id of to) {
    const a = agencies.get(id);
    if (!a || !a.active) {
      throw new HubError('exchange.unknown_recipient', `recipient ${id} is not in the hub's agency directory`, {
        status: 422,
        organId: id,
        element: message.kind === 'status' ? 'ResponseFor' : 'To',
      });
    }
  }
  const verdict = opts.onBehalfOf ? deps.signatures.checkHubSigned(doc, message) : deps.signatures.check(doc, message, sender);
  if (opts.onBehalfOf && verdict.status !== 'valid') {
    throw new HubError('exchange.hub_signature_invalid', `the hub's own signature on this message does not verify: ${verdict.status === 'invalid' ? verdict.reason : 'missing'}`, { status: 500 });
  }
  if (sender.signaturePolicy === 'required' && verdict.status !== 'valid') {
    const code = verdict.status === 'missing' ? 'pki.signature_missing' : verdict.code;
    const reason = verdict.status === 'missing' ? 'the message is not signed' : verdict.reason;
    throw new HubError(code, `signature refused under the "required" policy of ${from}: ${reason}`, {
      status: 422,
      organId: from,
      element: 'Signature',
      details: { signature: verdict },
    });
  }
  return { message, sender, recipients: agencies, to, verdict, sha256 };
}

/** The document a recall/update/replacement refers to (`sameId`: the newest under its own DocumentId). */
async function linkOriginal(q: Queryable, m: EdxmlMessage, sameId: MessageRow | null): Promise<MessageRow | null> {
  if (m.kind !== 'edoc' || m.businessDocType === 0) return null;
  if (m.businessDocType === 3) {
    for (const r of m.business?.replacementInfoList ?? []) {
      if (r.documentId) {
        const found = await findLatestDocument(q, m.from.organId, r.documentId);
        if (found) return found;
      }
    }
  }
  return sameId;
}

/** A checked submission waiting for its transaction. */
interface Pending {
  c: Checked;
  bytes: Buffer;
  opts: AcceptOptions;
  /** Its (sender, DocumentId): the advisory lock its transaction takes, and its group-commit key. */
  lock: bigint;
}

interface Committed {
  row: MessageRow;
  duplicate: boolean;
  pushIds: string[];
}

/** Everything one accepted submission writes. */
interface Planned {
  index: number;
  insert: MessageToInsert;
  events: AuditEventInput[];
  status: NewBusinessStatus | null;
}

/**
 * Commits a batch of checked submissions in ONE transaction (see group commit):
 * each is checked against what committed before (a resubmission gets the first
 * answer, a reused DocumentId is a conflict), then every accepted message, its
 * bytes, deliveries and log entries go in one statement. A refusal is that
 * submission's outcome only; the others commit.
 */
async function commitBatch(deps: ExchangeDeps, items: readonly Pending[]): Promise<(Committed | Error)[]> {
  // Submissions under one (sender, DocumentId) run one at a time (the locks), so the duplicate and conflict checks hold;
  // and the rows commit in seq order (SEQ_ORDER_LOCK).
  const locks = [...items.map((i) => i.lock), SEQ_ORDER_LOCK];
  const keys = items.map(({ c }) => ({ from: c.message.from.organId, kind: c.message.kind, documentId: c.message.documentId, sha256: c.sha256 }));
  const started = performance.now();
  // What was sent before under these DocumentIds is read in BEGIN's round trip, once the locks are held.
  const outcomes = await deps.db.tx(async (q, found) => {
    const priors = priorsFromRows(keys, found);
    const outcomes: (Committed | Error)[] = [];
    const planned: Planned[] = [];
    for (const [index, item] of items.entries()) {
      const prior = priors[index]!;
      if (prior.duplicate) {
        outcomes[index] = { row: prior.duplicate, duplicate: true, pushIds: [] };
        continue;
      }
      try {
        planned.push(plan(index, item, await relatedMessage(q, item.c.message, prior.latestDocument)));
      } catch (e) {
        if (!isHubError(e)) throw e;
        outcomes[index] = e;
      }
    }
    const more = deps.logAccepts === false ? undefined : auditEventWrites(planned.flatMap((p) => p.events));
    const rows = await insertMessages(q, planned.map((p) => p.insert), more);
    for (const p of planned) {
      // After the message: the status row refers to it.
      if (p.status) await insertBusinessStatus(q, p.status);
      const deliveries = p.insert.deliveries;
      outcomes[p.index] = { row: rows.get(p.insert.message.id)!, duplicate: false, pushIds: deliveries.filter((d) => d.mode === 'push').map((d) => d.id) };
    }
    return outcomes;
  }, { locks, first: priorsQuery(keys) });
  deps.metrics.committed(items.length, (performance.now() - started) / 1000);
  return outcomes;
}

/** The message an accepted submission refers to; throws the refusal of a conflict or of a status about no known document. */
async function relatedMessage(q: Queryable, m: EdxmlMessage, latestDocument: MessageRow | null): Promise<MessageRow | { id: string; from_organ: string } | null> {
  if (m.kind === 'status') return statusTarget(q, m);
  if (latestDocument && m.businessDocType === 0) {
    throw new HubError(
      'exchange.document_id_conflict',
      `DocumentId ${m.documentId} was already used by ${m.from.organId} for different content (message ${latestDocument.id}); send it as an update (2), replacement (3) or recall (1)`,
      { status: 409, element: 'DocumentId', details: { existingMessageId: latestDocument.id } },
    );
  }
  return linkOriginal(q, m, latestDocument);
}

/** The rows and log entries of one accepted submission. */
function plan(index: number, { c, bytes, opts }: Pending, related: { id: string } | null): Planned {
  const m = c.message;
  const from = m.from.organId;
  const id = timeOrderedId();
  const deliveries: PlannedDelivery[] = c.to.map((recipient) => {
    const mode = c.recipients.get(recipient)!.delivery.mode;
    return { id: timeOrderedId(), recipient, mode, state: initialDeliveryState(mode) };
  });
  const businessDocType = m.kind === 'edoc' ? m.businessDocType : null;
  const statusCode = m.kind === 'status' ? m.statusCode : null;
  return {
    index,
    insert: {
      message: {
        id,
        kind: m.kind,
        from_organ: from,
        recipients: c.to,
        document_id: m.documentId,
        business_doc_type: businessDocType,
        status_code: statusCode,
        sha256: c.sha256,
        size: bytes.length,
        subject: m.kind === 'edoc' ? (m.subject ?? null) : (m.description ?? null),
        code_number: m.kind === 'edoc' ? (m.code?.codeNumber ?? null) : null,
        code_notation: m.kind === 'edoc' ? (m.code?.codeNotation ?? null) : null,
        priority: m.kind === 'edoc' ? (m.otherInfo?.priority ?? null) : null,
        signature: c.verdict as unknown as Record<string, unknown>,
        summary: messageSummary(m),
        related_message_id: related?.id ?? null,
        generated_by_hub: false,
      },
      bytes,
      deliveries,
    },
    events: acceptanceEvents(c, id, bytes.length, deliveries, related, opts, { businessDocType, statusCode }),
    status:
      m.kind === 'status' && related
        ? {
            documentMessageId: related.id,
            reporter: from,
            statusCode: m.statusCode,
            description: m.description ?? null,
            staff: m.staffInfo ? { ...m.staffInfo } : null,
            reportedAt: m.timestamp ?? null,
            reportedAtIso: m.timestampIso ?? null,
            statusMessageId: id,
          }
        : null,
  };
}

/**
 * The log entries of an accepted submission: accepted (with the deliveries it
 * created: one entry for the one state change, where earlier versions also
 * wrote a `delivery.queued` per recipient), and its link or routed status.
 */
function acceptanceEvents(
  c: Checked,
  id: string,
  size: number,
  deliveries: PlannedDelivery[],
  related: { id: string } | null,
  opts: AcceptOptions,
  codes: { businessDocType: number | null; statusCode: string | null },
): AuditEventInput[] {
  const m = c.message;
  const from = m.from.organId;
  const organs = [from, ...c.to];
  const events: AuditEventInput[] = [];
  events.push({
    type: 'message.accepted',
    actor: from,
    organs,
    messageId: id,
    documentId: m.documentId,
    data: {
      kind: m.kind,
      sha256: c.sha256,
      size,
      from,
      to: c.to,
      signature: c.verdict,
      businessDocType: codes.businessDocType,
      statusCode: codes.statusCode,
      deliveries: deliveries.map((d) => ({ deliveryId: d.id, recipient: d.recipient, mode: d.mode, state: d.state })),
      ...(opts.onBehalfOf ? { submittedBy: `console:${opts.onBehalfOf.user}` } : {}),
    },
  });
  if (m.kind === 'edoc' && related) {
    events.push({
      type: 'message.linked',
      actor: from,
      organs,
      messageId: id,
      documentId: m.documentId,
      data: { businessDocType: m.businessDocType, originalMessageId: related.id },
    });
  }
  if (m.kind === 'status' && related) {
    events.push({
      type: 'status.routed',
      actor: from,
      organs,
      messageId: id,
      documentId: m.documentId,
      data: { statusCode: m.statusCode, documentMessageId: related.id, to: c.to },
    });
  }
  return events;
}

/** A status must be about a document exchanged between its sender and its recipient. */
async function statusTarget(q: Queryable, m: StatusMessage): Promise<{ id: string; from_organ: string }> {
  const from = m.from.organId;
  for (const target of m.to) {
    // 13 is the document's sender asking to take it back; every other code comes from a recipient.
    const found = SENDER_STATUSES.has(m.statusCode)
      ? await findDocumentBetween(q, m.documentId, from, target)
      : await findDocumentBetween(q, m.documentId, target, from);
    if (!found) continue;
    if (TAKE_BACK_ANSWERS.has(m.statusCode) && !(await hasTakeBackRequest(q, m.documentId, target, from))) {
      throw new HubError(
        'exchange.no_take_back_request',
        `status ${m.statusCode} answers a take-back, but ${target} never asked ${from} to take back DocumentId ${m.documentId} (no take-back request 13, and no recall, update or replacement sent to it)`,
        { status: 422, element: 'StatusCode', organId: target },
      );
    }
    return found;
  }
  throw new HubError(
    'exchange.unknown_document',
    SENDER_STATUSES.has(m.statusCode)
      ? `status ${m.statusCode} is about DocumentId ${m.documentId}, which ${from} never sent to ${m.to.join(', ')} through this hub`
      : `status ${m.statusCode} is about DocumentId ${m.documentId}, which ${from} never received from ${m.to.join(', ')} through this hub`,
    { status: 422, element: 'ResponseFor', organId: m.to[0] },
  );
}

/**
 * Each hub process's group commit of accepted submissions: one transaction at
 * a time, up to 64 submissions each. (With two at a time, measured: the one
 * that freed first took a single submission while the other took dozens, and
 * fewer documents per second were accepted: 230–290/s against 318–328/s.)
 */
const groupCommits = new WeakMap<ExchangeDeps, GroupCommit<Pending, Committed>>();

function commits(deps: ExchangeDeps): GroupCommit<Pending, Committed> {
  let g = groupCommits.get(deps);
  if (!g) {
    g = createGroupCommit<Pending, Committed>({
      run: (items) => commitBatch(deps, items),
      key: ({ lock }) => lock.toString(),
      concurrency: 1,
      maxBatch: 64,
    });
    groupCommits.set(deps, g);
  }
  return g;
}

/**
 * Accepts one submission from an authenticated agency. Throws a HubError for
 * every refusal (after logging it in the exchange log); nothing else is stored.
 */
export async function acceptMessage(deps: ExchangeDeps, callerOrganId: string, bytes: Buffer, opts: AcceptOptions = {}): Promise<AcceptResult> {
  const sha256 = opts.sha256 ?? createHash('sha256').update(bytes).digest('hex');
  try {
    const checked = await check(deps, callerOrganId, bytes, sha256, opts);
    if ('duplicateOf' in checked) {
      deps.log.info({ messageId: checked.duplicateOf.id, from: callerOrganId, sha256 }, 'resubmission answered with the first acceptance (it would be refused as new)');
      return answer(checked.duplicateOf, true);
    }
    const { row, duplicate, pushIds } = await commits(deps).submit({
      c: checked,
      bytes,
      opts,
      lock: advisoryKey('accept', checked.message.from.organId, checked.message.documentId),
    });
    failpoint('accept.after-commit');
    if (!duplicate) {
      deps.metrics.accepted(row.kind);
      deps.scheduler.schedulePush(pushIds);
      // Recipients that poll will ask for these bytes shortly.
      if (pushIds.length < row.recipients.length) deps.recentBodies.put(row.id, bytes);
    }
    deps.log.info(
      { messageId: row.id, from: row.from_organ, to: row.recipients, documentId: row.document_id, kind: row.kind, duplicate, sha256, size: bytes.length, signature: checked.verdict.status },
      duplicate ? 'duplicate submission answered with the first acceptance' : 'message accepted',
    );
    return answer(row, duplicate);
  } catch (e) {
    if (isHubError(e)) await recordRejection(deps, callerOrganId, bytes.length, sha256, e);
    throw e;
  }
}

/** Refusals acceptMessage has counted and logged, so that the route's error hook does not do it again. */
const recordedRejections = new WeakSet<Error>();

export const isRecordedRejection = (e: unknown): boolean => e instanceof Error && recordedRejections.has(e);

/**
 * Counts a refused submission (metrics), logs it, and writes it to the exchange
 * log when the caller is a known agency. acceptMessage records its own refusals;
 * the route records those made before it runs (415, 413, 401).
 */
export async function recordRejection(deps: ExchangeDeps, caller: string | null, size: number | null, sha256: string | null, e: HubError): Promise<void> {
  recordedRejections.add(e);
  deps.metrics.rejected(e.code);
  deps.log.warn({ caller, code: e.code, sha256, size, line: e.line, column: e.column, organId: e.organId }, `message rejected: ${e.message}`);
  if (caller === null) return;
  try {
    await deps.db.tx((q) =>
      appendAuditEvent(q, {
        type: 'message.rejected',
        actor: caller,
        organs: [caller],
        data: { code: e.code, status: e.status, sha256, size, line: e.line ?? null, column: e.column ?? null, organId: e.organId ?? null },
      }),
    );
  } catch (logError) {
    deps.log.error({ err: logError }, 'could not record a rejection in the exchange log');
  }
}
