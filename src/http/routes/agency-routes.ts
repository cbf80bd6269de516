/** The agency directory as agency systems see it. */
import type { FastifyInstance } from 'fastify';
import type { HubServices } from '../../hub/hub-services.js';
import { listAgencies } from '../../store/agency-repo.js';
import { HubError } from '../../shared/hub-error.js';

export function agencyRoutes(app: FastifyInstance, s: HubServices): void {
  app.get(
    '/v1/agencies',
    {
      schema: {
        summary: 'The agency directory: OrganId, name, parent, contact, delivery mode',
        tags: ['agency'],
      },
    },
    async (req) => {
      if (!req.caller) throw new HubError('auth.no_client_certificate', 'present a client certificate (mutual TLS)', { status: 401 });
      const agencies = await listAgencies(s.db);
      return {
        agencies: agencies
          .filter((a) => a.active)
          .map((a) => ({ organId: a.organId, name: a.name, parent: a.parent, contact: a.contact, deliveryMode: a.delivery.mode })),
      };
    },
  );
}
