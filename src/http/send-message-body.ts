/** A download's answer (`GET /v1/messages/:id`, `/axis/getEdoc`): the exact bytes as edXML, their digest and, for a recipient, its delivery id. */
import type { FastifyReply } from 'fastify';
import { partedBody, type PartedBytes } from '../shared/bytes-body.js';

export function sendMessageBody(reply: FastifyReply, fetched: { body: PartedBytes; sha256: string; deliveryId: string | null }): FastifyReply {
  void reply.header('content-type', 'application/xml').header('x-edoc-sha256', fetched.sha256).header('content-length', fetched.body.size);
  if (fetched.deliveryId) void reply.header('x-edoc-delivery-id', fetched.deliveryId);
  return reply.send(partedBody(fetched.body));
}
