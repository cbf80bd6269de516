/** Agency API for recipients that poll: inbox and acknowledgements. */
import type { FastifyInstance } from 'fastify';
import type { HubServices } from '../../hub/hub-services.js';
import { fetchInbox, listInbox } from '../../exchange/inbox.js';
import { acknowledgeDeliveries, acknowledgeDelivery } from '../../exchange/acknowledge-delivery.js';
import { deliveryView } from '../../exchange/message-view.js';
import { requireAgency } from '../require-caller.js';
import { inboxPageWithBytesJson } from '../inbox-page-json.js';
import { Readable } from 'node:stream';
import { errorSchema, idParams, pageQuery, REASON_TEXT_PATTERN } from './schemas.js';

const ackBody = {
  type: 'object',
  required: ['result'],
  additionalProperties: false,
  properties: {
    result: { type: 'string', enum: ['done', 'fail'] },
    reason: { type: 'string', maxLength: 2000, pattern: REASON_TEXT_PATTERN, description: 'plain text: no control characters but tab, LF and CR' },
  },
} as const;

/** Documents per inbox page with bytes: bounded so a page of large documents stays a sensible response. */
const INBOX_PAGE_MAX_BYTES = 8 * 1024 * 1024;

export function inboxRoutes(app: FastifyInstance, s: HubServices): void {
  app.get(
    '/v1/inbox',
    {
      schema: {
        summary: "Deliveries waiting for the caller's acknowledgement, oldest first, with a cursor for the next page",
        description:
          'With `include=bytes` each entry also carries `bytes`, the exact submitted bytes in base64, and counts as fetched: ' +
          `a polling system takes a page of documents in one request. Such a page stops before ${INBOX_PAGE_MAX_BYTES / 1024 / 1024} MiB of documents (at least one entry); \`next\` continues it. ` +
          'Its JSON is ASCII: characters beyond ASCII (Vietnamese subjects) come as `\\uXXXX` escapes, so a client decodes megabytes of base64 as one-byte text. ' +
          'The cursor is stable: a delivery committed later always sorts after every entry already listed, so a poller may keep the last cursor it saw, or start from the beginning (acknowledged deliveries leave the inbox).',
        tags: ['agency'],
        querystring: {
          ...pageQuery,
          properties: { ...pageQuery.properties, include: { type: 'string', enum: ['bytes'], description: 'bytes: add each message\'s exact bytes (base64)' } },
        },
      },
    },
    async (req, reply) => {
      const organId = requireAgency(req);
      const { after, limit, include } = req.query as { after?: string; limit?: number; include?: 'bytes' };
      if (include === 'bytes') {
        const page = await fetchInbox(s.exchange, organId, after ?? null, limit ?? 100, INBOX_PAGE_MAX_BYTES);
        const json = inboxPageWithBytesJson(page);
        // One piece made ahead of the socket at most: the others are made as it drains, between other requests' work.
        return reply.type('application/json; charset=utf-8').header('content-length', json.length).send(Readable.from(json.pieces, { highWaterMark: 1 }));
      }
      return listInbox(s.db, organId, after ?? null, limit ?? 100);
    },
  );

  app.post(
    '/v1/deliveries/ack',
    {
      schema: {
        summary: 'Acknowledge many deliveries at once (up to 1,000); each gets its own outcome',
        tags: ['agency'],
        body: {
          type: 'object',
          required: ['deliveries'],
          additionalProperties: false,
          properties: {
            deliveries: {
              type: 'array',
              minItems: 1,
              maxItems: 1000,
              items: { ...ackBody, required: ['id', 'result'], properties: { ...ackBody.properties, id: { type: 'string', maxLength: 64 } } },
            },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              results: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { id: { type: 'string' }, outcome: { type: 'string', enum: ['acknowledged', 'failed', 'already', 'conflict', 'not_found'] } },
                },
              },
            },
          },
        },
      },
    },
    async (req) => {
      const organId = requireAgency(req);
      const { deliveries } = req.body as { deliveries: { id: string; result: 'done' | 'fail'; reason?: string }[] };
      return { results: await acknowledgeDeliveries(s.exchange, organId, deliveries) };
    },
  );

  app.post(
    '/v1/deliveries/:id/ack',
    {
      schema: {
        summary: 'Transport acknowledgement of a delivery by its recipient; "fail" is reported to the sender',
        tags: ['agency'],
        params: idParams,
        body: ackBody,
        response: { 404: errorSchema, 409: errorSchema },
      },
    },
    async (req) => {
      const organId = requireAgency(req);
      const { id } = req.params as { id: string };
      const body = req.body as { result: 'done' | 'fail'; reason?: string };
      return deliveryView(await acknowledgeDelivery(s.exchange, organId, id, body));
    },
  );
}
