/**
 * The exchange-log API: auditors read every event's metadata, an agency only
 * the events that concern it; nobody gets document contents (the log has none).
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Queryable } from '../../store/db.js';
import type { AuditViewer, AuditFilter } from '../../audit/audit-viewer.js';
import { queryAuditEvents } from '../../audit/query-events.js';
import { exportAuditEvents } from '../../audit/export-events.js';
import { readCheckpoints } from '../../audit/read-chain.js';
import { AUDIT_EVENT_TYPES } from '../../audit/event-types.js';
import { HubError } from '../../shared/hub-error.js';
import { errorSchema, SEQ_CURSOR_PATTERN } from './schemas.js';
import '../caller.js';

export interface AuditRoutesOptions {
  db: Queryable;
}

const filterProperties = {
  organ: { type: 'string', maxLength: 64, description: 'events concerning this agency (sender or recipient)' },
  documentId: { type: 'string', maxLength: 512 },
  messageId: { type: 'string', maxLength: 64 },
  type: {
    anyOf: [
      { type: 'string', enum: [...AUDIT_EVENT_TYPES] },
      { type: 'array', items: { type: 'string', enum: [...AUDIT_EVENT_TYPES] }, maxItems: AUDIT_EVENT_TYPES.length },
    ],
    description: 'event type; repeat to give several',
  },
  from: { type: 'string', format: 'date-time', description: 'inclusive' },
  to: { type: 'string', format: 'date-time', description: 'exclusive' },
} as const;

const eventsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...filterProperties,
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    after: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,40}$', description: 'the `next` cursor of the previous page' },
  },
} as const;

const exportQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { ...filterProperties, format: { type: 'string', enum: ['ndjson', 'csv'], default: 'ndjson' } },
} as const;

const checkpointsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    fromSeq: { type: 'string', pattern: SEQ_CURSOR_PATTERN, default: '0' },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  },
} as const;

const nullableString = { type: ['string', 'null'] } as const;

const eventSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    seq: { ...nullableString, description: 'position in the chain; null until sealed (well under a second)' },
    hash: nullableString,
    at: { type: 'string', format: 'date-time' },
    type: { type: 'string' },
    actor: { type: 'string' },
    organs: { type: 'array', items: { type: 'string' } },
    messageId: nullableString,
    deliveryId: nullableString,
    documentId: nullableString,
    data: { type: 'object', additionalProperties: true },
  },
} as const;

const checkpointSchema = {
  type: 'object',
  properties: {
    seq: { type: 'string' },
    hash: { type: 'string' },
    at: { type: 'string', format: 'date-time' },
    algorithm: { type: 'string' },
    signature: { type: 'string', description: 'base64, over the canonical JSON {"at","hash","seq"}' },
    certificatePem: { type: 'string' },
  },
} as const;

const refusals = { 400: errorSchema, 401: errorSchema, 403: errorSchema };

/** The viewer for the caller: auditors and agencies only. */
function viewerOf(req: FastifyRequest): AuditViewer {
  const c = req.caller;
  if (!c) throw new HubError('auth.no_client_certificate', 'present an auditor or agency client certificate (mutual TLS)', { status: 401 });
  if (c.kind === 'auditor') return { kind: 'auditor', name: c.name };
  if (c.kind === 'agency') return { kind: 'agency', organId: c.organId };
  throw new HubError('audit.forbidden', 'the exchange log is for auditors and agencies', { status: 403 });
}

interface FilterQuery {
  organ?: string;
  documentId?: string;
  messageId?: string;
  type?: string | string[];
  from?: string;
  to?: string;
}

/**
 * A `from`/`to` time. The schema's date-time format lets through what `Date` cannot read
 * (a leap second, an offset without minutes) and years PostgreSQL does not keep (0000).
 */
function timeOf(name: 'from' | 'to', value: string): Date {
  const d = new Date(value);
  const year = d.getUTCFullYear();
  if (Number.isNaN(d.getTime()) || year < 1 || year > 9999) {
    throw new HubError('audit.bad_query', `${name} is not a time the log can be searched by: ${value} (write e.g. 2026-12-01T08:00:00+07:00)`, { status: 400 });
  }
  return d;
}

function filterOf(q: FilterQuery): AuditFilter {
  const f: AuditFilter = {};
  if (q.organ !== undefined) f.organId = q.organ;
  if (q.documentId !== undefined) f.documentId = q.documentId;
  if (q.messageId !== undefined) f.messageId = q.messageId;
  if (q.type !== undefined) f.type = Array.isArray(q.type) ? q.type : [q.type];
  if (q.from !== undefined) f.from = timeOf('from', q.from);
  if (q.to !== undefined) f.to = timeOf('to', q.to);
  return f;
}

/** Registers `GET /v1/audit/events`, `/v1/audit/export` and `/v1/audit/checkpoints`. */
export async function auditRoutes(app: FastifyInstance, opts: AuditRoutesOptions): Promise<void> {
  const { db } = opts;

  app.get(
    '/v1/audit/events',
    {
      schema: {
        summary: 'Exchange-log events, filtered, ordered by time, keyset-paginated',
        tags: ['audit'],
        querystring: eventsQuery,
        response: {
          200: { type: 'object', properties: { events: { type: 'array', items: eventSchema }, next: nullableString } },
          ...refusals,
        },
      },
    },
    async (req) => {
      const viewer = viewerOf(req);
      const q = req.query as FilterQuery & { limit?: number; after?: string };
      return queryAuditEvents(db, viewer, filterOf(q), { limit: q.limit ?? 100, ...(q.after ? { after: q.after } : {}) });
    },
  );

  app.get(
    '/v1/audit/export',
    {
      schema: {
        summary: 'Streams the chain entries of the selected range with the checkpoints covering it (verify with `edoc-hub audit verify --file`)',
        tags: ['audit'],
        querystring: exportQuery,
        produces: ['application/x-ndjson', 'text/csv'],
        response: {
          200: { type: 'string', description: 'NDJSON lines or CSV rows, see docs/audit.md' },
          ...refusals,
        },
      },
    },
    async (req, reply) => {
      const viewer = viewerOf(req);
      const q = req.query as FilterQuery & { format?: 'ndjson' | 'csv' };
      const format = q.format ?? 'ndjson';
      const it = exportAuditEvents(db, viewer, filterOf(q), { format });
      // Pull the first chunk before answering, so a refusal is a proper error response.
      const first = await it.next();
      const body = Readable.from(
        (async function* () {
          if (!first.done) yield first.value;
          yield* it;
        })(),
      );
      void reply
        .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
        .header('content-disposition', `attachment; filename="edoc-audit-export.${format}"`);
      return reply.send(body);
    },
  );

  app.get(
    '/v1/audit/checkpoints',
    {
      schema: {
        summary: 'Signed checkpoints of the chain head, ascending from fromSeq',
        tags: ['audit'],
        querystring: checkpointsQuery,
        response: {
          200: { type: 'object', properties: { checkpoints: { type: 'array', items: checkpointSchema } } },
          ...refusals,
        },
      },
    },
    async (req) => {
      viewerOf(req);
      const q = req.query as { fromSeq?: string; limit?: number };
      return { checkpoints: await readCheckpoints(db, { fromSeq: q.fromSeq ?? '0', limit: q.limit ?? 100 }) };
    },
  );
}
