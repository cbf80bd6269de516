/** Agency API: submit, fetch, track and list messages. */
import type { FastifyInstance } from 'fastify';
import type { HubServices } from '../../hub/hub-services.js';
import { acceptMessage, isRecordedRejection, recordRejection } from '../../exchange/accept-message.js';
import { toHubError } from '../error-handler.js';
import { fetchMessage } from '../../exchange/inbox.js';
import { trackMessage } from '../../exchange/track-message.js';
import { listSent } from '../../exchange/list-sent.js';
import { HubError } from '../../shared/hub-error.js';
import { sendMessageBody } from '../send-message-body.js';
import { requireAgency } from '../require-caller.js';
import { digestOfBody } from '../read-document-body.js';
import { errorSchema, idParams, pageQuery, signatureSchema } from './schemas.js';

const acceptedSchema = {
  type: 'object',
  required: ['id', 'sha256', 'kind', 'from', 'to', 'documentId', 'acceptedAt'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    sha256: { type: 'string' },
    kind: { type: 'string', enum: ['edoc', 'status'] },
    from: { type: 'string' },
    to: { type: 'array', items: { type: 'string' } },
    documentId: { type: 'string' },
    acceptedAt: { type: 'string', format: 'date-time' },
    duplicate: { type: 'boolean' },
    signature: signatureSchema,
  },
} as const;

export function messageRoutes(app: FastifyInstance, s: HubServices): void {
  app.post(
    '/v1/messages',
    {
      schema: {
        summary: 'Submit an edXML document or status message',
        description:
          'Body: the exact edXML bytes (Content-Type application/xml). 202 when accepted (durably committed); 200 with the first answer when these exact bytes were accepted before.',
        tags: ['agency'],
        consumes: ['application/xml', 'text/xml', 'application/octet-stream'],
        response: { 200: acceptedSchema, 202: acceptedSchema, 400: errorSchema, 403: errorSchema, 409: errorSchema, 413: errorSchema, 415: errorSchema, 422: errorSchema },
      },
      // Refusals made before acceptMessage runs (a body over the limit, the wrong Content-Type, no
      // client certificate) are counted and logged like those it makes.
      onError: async (req, _reply, err) => {
        if (isRecordedRejection(err)) return;
        const e = toHubError(err);
        if (e.status >= 500) return;
        const caller = req.caller?.kind === 'agency' ? req.caller.organId : null;
        const length = Number(req.headers['content-length']);
        await recordRejection(s.exchange, caller, Number.isSafeInteger(length) ? length : null, null, e);
      },
    },
    async (req, reply) => {
      const organId = requireAgency(req);
      if (!Buffer.isBuffer(req.body)) {
        throw new HubError('http.unsupported_media_type', 'send the edXML bytes with Content-Type application/xml', { status: 415 });
      }
      const end = s.metrics.acceptLatency.startTimer();
      const result = await acceptMessage(s.exchange, organId, req.body, { sha256: digestOfBody(req.body) });
      end();
      req.log.info({ messageId: result.id }, 'submission answered');
      return reply.status(result.duplicate ? 200 : 202).send(result);
    },
  );

  app.get(
    '/v1/messages/:id',
    {
      schema: {
        summary: 'The exact bytes of a message (sender and recipients only)',
        tags: ['agency'],
        params: idParams,
        // The 200 (the bytes) is described in ../openapi-extras.ts.
        response: { 404: errorSchema, 410: errorSchema },
      },
    },
    async (req, reply) => {
      const organId = requireAgency(req);
      const { id } = req.params as { id: string };
      return sendMessageBody(reply, await fetchMessage(s.exchange, organId, id));
    },
  );

  app.get(
    '/v1/messages/:id/tracking',
    {
      schema: {
        summary: 'Per-recipient delivery state, business statuses and deadlines of a message',
        tags: ['agency'],
        params: idParams,
        response: { 404: errorSchema },
      },
    },
    async (req) => {
      const organId = requireAgency(req);
      const { id } = req.params as { id: string };
      return trackMessage(s.db, s.config, organId, id);
    },
  );

  app.get(
    '/v1/sent',
    {
      schema: {
        summary: "The caller's sent messages with a per-recipient summary, oldest first",
        tags: ['agency'],
        querystring: pageQuery,
      },
    },
    async (req) => {
      const organId = requireAgency(req);
      const { after, limit } = req.query as { after?: string; limit?: number };
      return listSent(s.db, organId, after ?? null, limit ?? 100);
    },
  );
}
