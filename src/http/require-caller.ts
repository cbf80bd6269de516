/** Guards for route handlers: who may call this route. */
import type { FastifyRequest } from 'fastify';
import { HubError } from '../shared/hub-error.js';

export function requireAgency(req: FastifyRequest): string {
  const c = req.caller;
  if (!c) {
    throw new HubError('auth.no_client_certificate', 'present a client certificate issued to your agency (mutual TLS)', { status: 401 });
  }
  if (c.kind !== 'agency') throw new HubError('auth.forbidden', 'this call is for agency systems', { status: 403 });
  return c.organId;
}
