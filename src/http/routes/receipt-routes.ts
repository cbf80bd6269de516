/** Signed receipts (S/MIME, verifiable offline with `openssl cms -verify` and the hub's CA). */
import type { FastifyInstance } from 'fastify';
import type { HubServices } from '../../hub/hub-services.js';
import { deliveryReceipt, submissionReceipt } from '../../exchange/issue-receipt.js';
import { requireAgency } from '../require-caller.js';
import { errorSchema, idParams } from './schemas.js';

const description =
  'An S/MIME multipart/signed file: the receipt JSON and a detached CMS signature by the hub. Verify offline: ' +
  '`openssl cms -verify -in receipt.eml -CAfile ca.pem -purpose any`.';

export function receiptRoutes(app: FastifyInstance, s: HubServices): void {
  app.get(
    '/v1/messages/:id/receipt',
    {
      schema: {
        summary: 'Submission receipt: what the hub accepted (message id, SHA-256, From, recipients, DocumentId, time, log position)',
        description,
        tags: ['agency'],
        params: idParams,
        produces: ['message/rfc822'],
        response: { 404: errorSchema },
      },
    },
    async (req, reply) => {
      const organId = requireAgency(req);
      const { id } = req.params as { id: string };
      const bytes = await submissionReceipt(s.exchange, organId, id);
      return reply.header('content-type', 'message/rfc822').header('content-disposition', `attachment; filename="receipt-${id}.eml"`).send(bytes);
    },
  );

  app.get(
    '/v1/deliveries/:id/receipt',
    {
      schema: {
        summary: "Delivery receipt: the recipient's acknowledgement of a message, signed by the hub",
        description,
        tags: ['agency'],
        params: idParams,
        produces: ['message/rfc822'],
        response: { 404: errorSchema, 409: errorSchema },
      },
    },
    async (req, reply) => {
      const organId = requireAgency(req);
      const { id } = req.params as { id: string };
      const bytes = await deliveryReceipt(s.exchange, organId, id);
      return reply.header('content-type', 'message/rfc822').header('content-disposition', `attachment; filename="delivery-receipt-${id}.eml"`).send(bytes);
    },
  );
}
