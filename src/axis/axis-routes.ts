/**
 * The national-axis compatible API (domain.md §6): the calls agency software
 * already makes to the national platform — sendEdoc, getReceivedEdocList,
 * getEdoc, updateStatus, getSentEdocList, getAgenciesList — so such a system
 * can connect to the hub by changing its address. The same exchange code as
 * /v1 runs underneath: checks, group commit, deliveries, tracking, the log.
 *
 * A caller is an agency system with a client certificate (as on /v1), or a
 * system id whose requests are signed with its shared secret (./axis-signature.ts);
 * either way the `from` header must be the agency it acts for. Answers are the
 * axis' JSON: `{ status: "OK" | "FAIL", ErrorCode, ErrorDesc, … }`, with the
 * HTTP status of /v1 for each refusal.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HubServices } from '../hub/hub-services.js';
import { acceptMessage } from '../exchange/accept-message.js';
import { fetchMessage, listInbox } from '../exchange/inbox.js';
import { acknowledgeDelivery } from '../exchange/acknowledge-delivery.js';
import { listSent } from '../exchange/list-sent.js';
import { isUuid, notFound } from '../exchange/read-access.js';
import { findDeliveryTo } from '../store/delivery-repo.js';
import { listAgencies } from '../store/agency-repo.js';
import { getAxisSystem } from '../store/axis-system-repo.js';
import { HubError } from '../shared/hub-error.js';
import { digestOfBody } from '../http/read-document-body.js';
import { sendMessageBody } from '../http/send-message-body.js';
import { toHubError } from '../http/error-handler.js';
import { pageQuery, REASON_TEXT_PATTERN } from '../http/routes/schemas.js';
import { axisSignatureProblem } from './axis-signature.js';

const OK = { status: 'OK', ErrorCode: '0', ErrorDesc: '' } as const;

/** JSON request bodies as they came: their digest is part of what a system signs. */
const rawBodies = new WeakMap<FastifyRequest, Buffer>();

const sha256Hex = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function header(req: FastifyRequest, name: string): string {
  const v = req.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

/** The digest of what the request carried: the edXML bytes, the JSON text, or nothing. */
function bodyDigest(req: FastifyRequest): string {
  if (Buffer.isBuffer(req.body)) return digestOfBody(req.body) ?? sha256Hex(req.body);
  return sha256Hex(rawBodies.get(req) ?? Buffer.alloc(0));
}

/** Sets `req.caller` from a client certificate or a signed request; the `from` header must be its agency. */
async function authenticate(s: HubServices, req: FastifyRequest): Promise<void> {
  const from = header(req, 'from');
  if (req.caller?.kind !== 'agency') {
    const systemId = header(req, 'systemid');
    if (!systemId) {
      throw new HubError('axis.unauthenticated', 'present a client certificate, or sign the request (headers systemid, from, timestamp, sha256, signature)', { status: 401 });
    }
    const system = await getAxisSystem(s.db, systemId);
    if (!system || !system.active) throw new HubError('axis.unauthenticated', `no active system ${systemId}`, { status: 401 });
    const sha256 = header(req, 'sha256').toLowerCase();
    const parts = {
      method: req.method,
      path: req.url,
      systemId,
      from,
      serviceType: header(req, 'servicetype'),
      messageType: header(req, 'messagetype'),
      timestamp: header(req, 'timestamp'),
      sha256,
    };
    const problem = axisSignatureProblem(system.secret, parts, header(req, 'signature'));
    if (problem) throw new HubError('axis.bad_signature', problem, { status: 401 });
    // Signed, so the system vouches for the digest: a body that differs was changed on the way.
    if (sha256 !== bodyDigest(req)) {
      throw new HubError('axis.digest_mismatch', 'the sha256 header is not the SHA-256 (hex) of the request body', { status: 400, element: 'sha256' });
    }
    if (from !== system.organId) {
      throw new HubError('axis.from_mismatch', `the from header is "${from}" but system ${systemId} acts for ${system.organId}`, { status: 403, organId: from });
    }
    req.caller = { kind: 'agency', organId: system.organId };
    return;
  }
  if (from && from !== req.caller.organId) {
    throw new HubError('axis.from_mismatch', `the from header is "${from}" but the client certificate belongs to ${req.caller.organId}`, { status: 403, organId: from });
  }
}

function organOf(req: FastifyRequest): string {
  if (req.caller?.kind !== 'agency') throw new HubError('axis.unauthenticated', 'not authenticated', { status: 401 });
  return req.caller.organId;
}

const docIdQuery = {
  type: 'object',
  properties: { docId: { type: 'string', maxLength: 64 }, docid: { type: 'string', maxLength: 64 } },
} as const;
const statusBody = {
  type: 'object',
  required: ['status'],
  properties: {
    docid: { type: 'string', maxLength: 64 },
    docId: { type: 'string', maxLength: 64 },
    status: { type: 'string', enum: ['done', 'fail', 'processing'] },
    reason: { type: 'string', maxLength: 1000, pattern: REASON_TEXT_PATTERN },
  },
} as const;

export async function axisRoutes(app: FastifyInstance, s: HubServices): Promise<void> {
  await app.register(
    async (scope) => {
      scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
        const raw = body as Buffer;
        rawBodies.set(req, raw);
        try {
          done(null, raw.length === 0 ? {} : (JSON.parse(raw.toString('utf8')) as unknown));
        } catch {
          done(new HubError('http.invalid_request', 'the body is not JSON', { status: 400 }), undefined);
        }
      });
      // Who calls is settled before the body is validated (after it is parsed: the signature covers its digest),
      // so an unknown caller learns nothing from validation messages.
      scope.addHook('preValidation', async (req) => authenticate(s, req));
      scope.setNotFoundHandler((req, reply) => {
        void reply.status(404).send({ status: 'FAIL', ErrorCode: 'http.not_found', ErrorDesc: `no axis call ${req.method} ${req.url.split('?')[0]}` });
      });
      scope.setErrorHandler((err: Error, req, reply: FastifyReply) => {
        const e = toHubError(err);
        if (e.status >= 500) req.log.error({ err }, 'axis call failed');
        const { code, message, ...where } = e.toJSON();
        void reply.status(e.status).send({ status: 'FAIL', ErrorCode: code, ErrorDesc: message, ...where });
      });

      scope.post(
        '/sendEdoc',
        { schema: { summary: 'Submit an edXML document or status (headers from, servicetype: eDoc, messagetype: edoc|status)', tags: ['axis'] } },
        async (req) => {
          const organId = organOf(req);
          if (header(req, 'servicetype').toLowerCase() !== 'edoc') throw new HubError('axis.bad_header', 'servicetype must be eDoc', { status: 400, element: 'servicetype' });
          if (!['edoc', 'status'].includes(header(req, 'messagetype').toLowerCase())) {
            throw new HubError('axis.bad_header', 'messagetype must be edoc or status', { status: 400, element: 'messagetype' });
          }
          if (!Buffer.isBuffer(req.body)) throw new HubError('http.unsupported_media_type', 'send the edXML bytes with Content-Type application/xml', { status: 415 });
          const r = await acceptMessage(s.exchange, organId, req.body, { sha256: digestOfBody(req.body) });
          return { ...OK, DocId: r.id, duplicate: r.duplicate, kind: r.kind, documentId: r.documentId, acceptedAt: r.acceptedAt };
        },
      );

      scope.get(
        '/getReceivedEdocList',
        { schema: { summary: 'The documents and statuses waiting for the caller (oldest first; acknowledge with updateStatus)', tags: ['axis'], querystring: pageQuery } },
        async (req) => {
          const { after, limit } = req.query as { after?: string; limit: number };
          const page = await listInbox(s.db, organOf(req), after ?? null, limit);
          const data = page.entries.map((e) => ({
            docId: e.message.id,
            deliveryId: e.deliveryId,
            from: e.message.from,
            messagetype: e.message.kind,
            documentId: e.message.documentId,
            subject: e.message.subject,
            statusCode: e.message.statusCode,
            sentAt: e.message.acceptedAt,
            state: e.state,
            cursor: e.cursor,
          }));
          return { ...OK, data, next: page.next };
        },
      );

      scope.get('/getEdoc', { schema: { summary: 'The edXML bytes of a document or status (docId)', tags: ['axis'], querystring: docIdQuery } }, async (req, reply) => {
        const q = req.query as { docId?: string; docid?: string };
        const id = q.docId ?? q.docid ?? header(req, 'docid');
        return sendMessageBody(reply, await fetchMessage(s.exchange, organOf(req), id));
      });

      scope.post(
        '/updateStatus',
        { schema: { summary: 'Transport acknowledgement of a received document: done, fail (with a reason) or processing', tags: ['axis'], body: statusBody } },
        async (req) => {
          const organId = organOf(req);
          const b = req.body as { docid?: string; docId?: string; status: 'done' | 'fail' | 'processing'; reason?: string };
          const id = b.docid ?? b.docId ?? '';
          const delivery = isUuid(id) ? await findDeliveryTo(s.db, id, organId) : null;
          if (!delivery) throw notFound('document', id);
          if (b.status === 'processing') {
            // Received and being worked on: what a first download records (fetched), nothing more.
            await fetchMessage(s.exchange, organId, id);
          } else {
            await acknowledgeDelivery(s.exchange, organId, delivery.id, { result: b.status, ...(b.reason ? { reason: b.reason } : {}) });
          }
          return { ...OK, DocId: id };
        },
      );

      scope.get(
        '/getSentEdocList',
        { schema: { summary: "What the caller sent, with each recipient's delivery state", tags: ['axis'], querystring: pageQuery } },
        async (req) => {
          const { after, limit } = req.query as { after?: string; limit: number };
          const page = await listSent(s.db, organOf(req), after ?? null, limit);
          const data = page.entries.map((e) => ({
            docId: e.message.id,
            messagetype: e.message.kind,
            documentId: e.message.documentId,
            subject: e.message.subject,
            sentAt: e.message.acceptedAt,
            recipients: e.recipients.map((r) => ({ organId: r.recipient, state: r.state, attempts: r.attempts })),
            cursor: e.cursor,
          }));
          return { ...OK, data, next: page.next };
        },
      );

      scope.get('/getAgenciesList', { schema: { summary: 'The agency directory', tags: ['axis'] } }, async (req) => {
        organOf(req);
        const data = (await listAgencies(s.db)).filter((a) => a.active).map((a) => ({ organId: a.organId, name: a.name, parent: a.parent, deliveryMode: a.delivery.mode }));
        return { ...OK, data };
      });
    },
    { prefix: '/axis' },
  );
}
