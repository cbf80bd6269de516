/**
 * The Fastify application: HTTPS with optional client certificates (agencies
 * and auditors present one; health, docs and the console do not need one),
 * the edXML body parser, authentication, OpenAPI at /docs, and the route groups.
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { completeOpenApi } from './openapi-extras.js';
import type { HubServices } from '../hub/hub-services.js';
import { errorHandler } from './error-handler.js';
import { messageRoutes } from './routes/message-routes.js';
import { inboxRoutes } from './routes/inbox-routes.js';
import { agencyRoutes } from './routes/agency-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { receiptRoutes } from './routes/receipt-routes.js';
import { auditRoutes } from './routes/audit-routes.js';
import { consoleRoutes } from '../console/console-routes.js';
import { axisRoutes } from '../axis/axis-routes.js';
import { HubError } from '../shared/hub-error.js';
import { readDocumentBody } from './read-document-body.js';
import './caller.js';

export interface TlsMaterial {
  key: string;
  cert: string;
  /** CA certificates agency client certificates must chain to. */
  ca: string[];
}

export async function buildApp(s: HubServices, tls: TlsMaterial | null): Promise<FastifyInstance> {
  // The largest document with room for its HTTP envelope; JSON bodies get the same.
  const bodyLimit = s.config.maxMessageBytes + 64 * 1024;
  const app = Fastify({
    loggerInstance: s.log,
    requestIdHeader: 'x-request-id',
    bodyLimit,
    ...(tls ? { https: { key: tls.key, cert: tls.cert, ca: tls.ca, requestCert: true, rejectUnauthorized: false } } : {}),
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false } },
    // No automatic HEAD: it runs the GET handler, and a GET of a document or of an inbox page
    // with bytes records a fetch — a HEAD must change nothing.
    exposeHeadRoutes: false,
    // The router's own refusals (a malformed percent escape in the path) get the hub's error body too.
    frameworkErrors: (err, req, reply) => errorHandler(err, req, reply),
  }) as unknown as FastifyInstance;

  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req, reply) => {
    if (req.method === 'HEAD') {
      void reply
        .status(405)
        .header('allow', 'GET')
        .send({ error: new HubError('http.method_not_allowed', 'HEAD is not answered (it would count as a fetch); use GET', { status: 405 }).toJSON() });
      return;
    }
    void reply.status(404).send({ error: new HubError('http.not_found', `no route ${req.method} ${req.url.split('?')[0]}`, { status: 404 }).toJSON() });
  });
  // edXML arrives as bytes: kept exactly as sent (no string round-trip), read and hashed as they arrive.
  app.addContentTypeParser(['application/xml', 'text/xml', 'application/octet-stream'], (req: FastifyRequest, payload: IncomingMessage) =>
    readDocumentBody(payload, req.headers['content-length'], bodyLimit),
  );

  app.decorateRequest('caller', null);
  app.addHook('onRequest', async (req) => {
    req.caller = await s.callers.resolve(req);
  });

  await app.register(swagger, {
    openapi: {
      // 3.1: its security schemes include mutual TLS.
      openapi: '3.1.0',
      info: {
        title: 'edoc-hub',
        version: '0.1.0',
        description:
          'Inter-agency e-document exchange hub (edXML, QCVN 102:2016). Agency systems authenticate with a client certificate (mutual TLS) issued to their OrganId.',
      },
      tags: [
        { name: 'agency', description: 'Agency document systems (mutual TLS)' },
        { name: 'audit', description: 'Exchange log (auditor certificates; agencies see their own events)' },
        { name: 'operations', description: 'Health and metrics' },
        { name: 'axis', description: 'National-axis compatible calls (docs/axis.md): a client certificate or HMAC-signed requests' },
      ],
    },
    transformObject: (d) => {
      if (!('openapiObject' in d)) return d.swaggerObject;
      completeOpenApi(d.openapiObject);
      return d.openapiObject;
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  healthRoutes(app, s);
  messageRoutes(app, s);
  inboxRoutes(app, s);
  agencyRoutes(app, s);
  receiptRoutes(app, s);
  await auditRoutes(app, { db: s.db });
  await axisRoutes(app, s);
  await consoleRoutes(app, s);
  return app;
}
