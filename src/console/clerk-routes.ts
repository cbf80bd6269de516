/**
 * The clerk's pages. Every read and write goes through the exchange functions
 * the API uses (trackMessage, fetchMessage, acknowledgeDelivery, acceptMessage,
 * the receipt issuers), called as the clerk's agency, so a clerk sees exactly
 * what their agency's system would — and gets the same 404 for anything else.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HubServices } from '../hub/hub-services.js';
import { trackMessage, type Tracking } from '../exchange/track-message.js';
import { fetchMessageBytes } from '../exchange/inbox.js';
import { acknowledgeDelivery } from '../exchange/acknowledge-delivery.js';
import { isUuid, messageVisibleTo, notFound } from '../exchange/read-access.js';
import { deliveryReceipt, submissionReceipt } from '../exchange/issue-receipt.js';
import { queryAuditEvents } from '../audit/query-events.js';
import { overdueCandidates, searchReceived, searchSent } from '../store/search-repo.js';
import type { EdocMessage } from '../edxml/types.js';
import { HubError } from '../shared/hub-error.js';
import { attachmentParts } from '../edxml/read-attachments.js';
import { Readable } from 'node:stream';
import type { ConsoleOptions } from './console-options.js';
import { pageContext, queryStrings, requireClerk, sendPage } from './console-request.js';
import { checkCsrf } from './csrf.js';
import { parseVnDate } from './format-time.js';
import { toDocumentSearch, statusLabel, type SearchQuery } from './console-widgets.js';
import { renderSentPage } from './sent-page.js';
import { renderReceivedPage } from './received-page.js';
import { renderDocumentPage } from './document-page.js';
import { renderOverduePage } from './overdue-page.js';
import { isConsoleStatusCode, sendStatusFromConsole } from './send-status.js';

const OVERDUE_WINDOW_MS = 90 * 86_400_000;
const OVERDUE_CANDIDATES = 100;
/** A seq: at most 18 digits, so that it fits a bigint. */
const CURSOR = /^[1-9]\d{0,17}$/;

function searchQueryOf(q: Record<string, string | undefined>): SearchQuery {
  const out: SearchQuery = {};
  for (const k of ['documentId', 'code', 'subject', 'counterpart', 'from', 'to'] as const) {
    const v = q[k];
    if (v) out[k] = v;
  }
  return out;
}

function attachmentName(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export function clerkRoutes(scope: FastifyInstance, s: HubServices, opts: ConsoleOptions): void {
  const { db, config } = s;

  async function trackAll(organId: string, ids: string[]): Promise<Tracking[]> {
    const out: Tracking[] = [];
    // One at a time: a page is small, and the pool is shared with the API.
    for (const id of ids) out.push(await trackMessage(db, config, organId, id));
    return out;
  }

  /** The clerk, the page cursor and the search of a sent/received list request. */
  function listRequest(req: FastifyRequest): { session: ReturnType<typeof requireClerk>; before: string | null; search: SearchQuery } {
    const session = requireClerk(req);
    const q = queryStrings(req);
    return { session, before: q.before && CURSOR.test(q.before) ? q.before : null, search: searchQueryOf(q) };
  }

  scope.get('/sent', async (req, reply) => {
    const { session, before, search } = listRequest(req);
    const page = await searchSent(db, session.organId, toDocumentSearch(search, parseVnDate), before, opts.pageSize);
    const docs = await trackAll(session.organId, page.rows.map((r) => r.id));
    const ctx = pageContext(req);
    return sendPage(reply, ctx, ctx.t('sent.title'), renderSentPage(ctx, search, docs, page.next, before === null));
  });

  scope.get('/received', async (req, reply) => {
    const { session, before, search } = listRequest(req);
    const page = await searchReceived(db, session.organId, toDocumentSearch(search, parseVnDate), before, opts.pageSize);
    const tracked = await trackAll(session.organId, page.rows.map((r) => r.message.id));
    const items = page.rows.map((r, i) => ({ deliveryId: r.deliveryId, tracking: tracked[i]! }));
    const ctx = pageContext(req);
    return sendPage(reply, ctx, ctx.t('received.title'), renderReceivedPage(ctx, search, items, page.next, before === null));
  });

  scope.get('/overdue', async (req, reply) => {
    const session = requireClerk(req);
    const since = new Date(Date.now() - OVERDUE_WINDOW_MS);
    const overdueOnly = (list: Tracking[]): Tracking[] => list.filter((d) => d.recipients.some((r) => r.deadlines?.overdue));
    const sent = overdueOnly(await trackAll(session.organId, await overdueCandidates(db, session.organId, 'sent', since, OVERDUE_CANDIDATES)));
    const received = overdueOnly(await trackAll(session.organId, await overdueCandidates(db, session.organId, 'received', since, OVERDUE_CANDIDATES)));
    const ctx = pageContext(req);
    return sendPage(reply, ctx, ctx.t('overdue.title'), renderOverduePage(ctx, { sent, received }));
  });

  scope.get<{ Params: { id: string } }>('/documents/:id', async (req, reply) => {
    const session = requireClerk(req);
    const tracking = await trackMessage(db, config, session.organId, req.params.id);
    const row = await messageVisibleTo(db, req.params.id, session.organId);
    const events = await queryAuditEvents(db, { kind: 'agency', organId: session.organId }, { messageId: row.id }, { limit: 1000 });
    const ctx = pageContext(req);
    const q = queryStrings(req);
    const notice = q.done === 'ack' ? ctx.t('ack.ok') : q.done === 'status' && q.code ? `${ctx.t('status.ok')}: ${statusLabel(ctx.t, q.code)}` : null;
    const title = `${ctx.t('doc.title')}: ${tracking.message.code ?? tracking.message.documentId}`;
    return sendPage(
      reply,
      ctx,
      title,
      renderDocumentPage(ctx, {
        tracking,
        summary: row.summary as Partial<EdocMessage>,
        events: events.events,
        organId: session.organId,
        csrfToken: session.csrfToken,
        notice,
      }),
    );
  });

  scope.get<{ Params: { id: string; n: string } }>('/documents/:id/attachments/:n', async (req, reply) => {
    const session = requireClerk(req);
    const row = await messageVisibleTo(db, req.params.id, session.organId);
    const list = (row.summary as Partial<EdocMessage>).attachments ?? [];
    const a = /^\d{1,4}$/.test(req.params.n) ? list[Number(req.params.n)] : undefined;
    if (!a) throw notFound('attachment', req.params.n);
    const bytes = await fetchMessageBytes(s.exchange, session.organId, row.id);
    // Decoded as it is sent, the same way its size and digest were taken when it was accepted.
    const parts = attachmentParts(bytes, Number(req.params.n), { maxBytes: bytes.length, maxDepth: config.maxXmlDepth });
    if (!parts) throw notFound('attachment', req.params.n);
    // Always a download, never rendered: the content comes from another agency.
    return reply
      .header('content-type', 'application/octet-stream')
      .header('content-disposition', attachmentName(a.attachmentName ?? a.contentId))
      .header('x-content-type-options', 'nosniff')
      .header('content-length', a.size)
      .send(Readable.from(parts, { highWaterMark: 1 }));
  });

  scope.get<{ Params: { id: string } }>('/documents/:id/receipt', async (req, reply) => {
    const session = requireClerk(req);
    const bytes = await submissionReceipt(s.exchange, session.organId, req.params.id);
    return reply.header('content-type', 'message/rfc822').header('content-disposition', `attachment; filename="receipt-${req.params.id}.eml"`).send(bytes);
  });

  scope.get<{ Params: { id: string } }>('/deliveries/:id/receipt', async (req, reply) => {
    const session = requireClerk(req);
    const bytes = await deliveryReceipt(s.exchange, session.organId, req.params.id);
    return reply.header('content-type', 'message/rfc822').header('content-disposition', `attachment; filename="delivery-receipt-${req.params.id}.eml"`).send(bytes);
  });

  scope.post<{ Params: { id: string } }>('/deliveries/:id/ack', async (req, reply) => {
    const session = requireClerk(req);
    const form = checkCsrf(req, session);
    const d = await acknowledgeDelivery(s.exchange, session.organId, req.params.id, { result: 'done' });
    s.log.info({ deliveryId: d.id, user: session.username }, 'delivery acknowledged from the console');
    const doc = form.document && isUuid(form.document) ? form.document : d.message_id;
    return reply.redirect(`/console/documents/${doc}?done=ack`, 303);
  });

  scope.post<{ Params: { id: string } }>('/documents/:id/status', async (req, reply) => {
    const session = requireClerk(req);
    const form = checkCsrf(req, session);
    const code = form.code ?? '';
    if (!isConsoleStatusCode(code)) throw new HubError('console.bad_status', 'choose status 02, 03, 04, 05 or 06', { status: 400 });
    const accepted = await sendStatusFromConsole(s.exchange, {
      organId: session.organId,
      user: session.username,
      documentMessageId: req.params.id,
      code,
      ...(form.reason ? { reason: form.reason.slice(0, 1000) } : {}),
    });
    s.log.info({ statusMessageId: accepted.id, code, user: session.username }, 'status sent from the console');
    return reply.redirect(`/console/documents/${req.params.id}?done=status&code=${code}`, 303);
  });
}
