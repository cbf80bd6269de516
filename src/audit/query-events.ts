/**
 * Filtered, keyset-paginated reading of the log, ordered by (time, id). A page
 * filtered by agency runs on `audit_event_organs (organ, at, event_id)`, an
 * ordered range scan whatever the log size (each row lists the events of one
 * append statement, which share its `at`: only equal times need sorting).
 */
import type { Queryable } from '../store/db.js';
import { appendAuditEvent } from './append-event.js';
import { checkFilter, effectiveOrgan, viewerActor, type AuditFilter, type AuditViewer } from './audit-viewer.js';
import { aboutDocumentSql, aboutMessageSql, RECORD_COLUMNS, type RecordRow } from './sql-fragments.js';
import { HubError } from '../shared/hub-error.js';
import type { AuditRecord } from './audit-record.js';

/** One event as the API returns it (the record's fields); `seq`/`hash` are null until the sealer has chained it. */
export interface AuditEventView extends Omit<AuditRecord, 'seq' | 'eventId'> {
  id: string;
  seq: string | null;
  hash: string | null;
}

export interface AuditPage {
  events: AuditEventView[];
  /** Cursor for the next page; null on the last page. */
  next: string | null;
}

export interface PageRequest {
  /** 1…1000; default 100. */
  limit?: number;
  /** The `next` of the previous page. */
  after?: string;
}

function decodeCursor(c: string): string {
  const id = Buffer.from(c, 'base64url').toString('utf8');
  // At most 18 digits: every such number fits a bigint.
  if (!/^[1-9]\d{0,17}$/.test(id)) throw new HubError('audit.bad_cursor', 'the page cursor is not valid', { status: 400 });
  return id;
}

/** Builds WHERE conditions; `col` is the table alias holding (at, id) for ordering. */
function conditions(organ: string | undefined, f: AuditFilter, after: string | undefined, params: unknown[]): { from: string; where: string[]; order: string } {
  const p = (v: unknown): string => {
    params.push(v);
    return `$${params.length}`;
  };
  const where: string[] = [];
  let from: string;
  let at: string;
  let id: string;
  if (organ !== undefined) {
    from = 'audit_event_organs o CROSS JOIN LATERAL unnest(o.event_ids) AS oe(id) JOIN audit_events e ON e.id = oe.id';
    at = 'o.at';
    id = 'oe.id';
    where.push(`o.organ = ${p(organ)}`);
  } else {
    from = 'audit_events e';
    at = 'e.at';
    id = 'e.id';
  }
  if (f.documentId !== undefined) where.push(aboutDocumentSql(p(f.documentId)));
  if (f.messageId !== undefined) where.push(aboutMessageSql(p(f.messageId)));
  if (f.type !== undefined && f.type.length > 0) where.push(`e.type = ANY(${p(f.type)}::text[])`);
  if (f.from !== undefined) where.push(`${at} >= ${p(f.from.toISOString())}`);
  if (f.to !== undefined) where.push(`${at} < ${p(f.to.toISOString())}`);
  if (after !== undefined) {
    const c = p(after);
    const cAt = `(SELECT at FROM audit_events WHERE id = ${c}::bigint)`;
    // The first condition bounds the index range; the second is the keyset order.
    where.push(`${at} >= ${cAt}`, `(${at}, ${id}) > (${cAt}, ${c}::bigint)`);
  }
  return { from, where, order: `${at}, ${id}` };
}

/**
 * One page of events the viewer may see. An auditor's query is itself
 * recorded (`audit.queried`).
 */
export async function queryAuditEvents(q: Queryable, viewer: AuditViewer, filter: AuditFilter, page: PageRequest = {}): Promise<AuditPage> {
  const limit = page.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new HubError('audit.bad_query', 'limit must be an integer from 1 to 1000', { status: 400 });
  }
  checkFilter(filter);
  const organ = effectiveOrgan(viewer, filter);
  const after = page.after === undefined ? undefined : decodeCursor(page.after);
  const params: unknown[] = [];
  const c = conditions(organ, filter, after, params);
  params.push(limit + 1);
  const r = await q.query<RecordRow & { seq: string | null; hash: string | null }>(
    `SELECT ${RECORD_COLUMNS}, ch.seq, ch.hash
     FROM ${c.from} LEFT JOIN audit_chain ch ON ch.event_id = e.id
     ${c.where.length > 0 ? `WHERE ${c.where.join(' AND ')}` : ''}
     ORDER BY ${c.order} LIMIT $${params.length}`,
    params,
  );
  const rows = r.rows.slice(0, limit);
  const events = rows.map((row) => ({
    id: row.event_id,
    seq: row.seq,
    hash: row.hash,
    at: row.at,
    type: row.type,
    actor: row.actor,
    organs: row.organs,
    messageId: row.message_id,
    deliveryId: row.delivery_id,
    documentId: row.document_id,
    data: row.data,
  }));
  if (viewer.kind === 'auditor') {
    await appendAuditEvent(q, {
      type: 'audit.queried',
      actor: viewerActor(viewer),
      organs: filter.organId ? [filter.organId] : [],
      data: { filter: describeFilter(filter), after: page.after ?? null, limit, returned: events.length },
    });
  }
  const last = rows[rows.length - 1];
  return { events, next: r.rows.length > limit && last ? Buffer.from(last.event_id).toString('base64url') : null };
}

/** A JSON-safe summary of a filter, for the log. */
export function describeFilter(f: AuditFilter): Record<string, unknown> {
  return {
    organId: f.organId ?? null,
    documentId: f.documentId ?? null,
    messageId: f.messageId ?? null,
    type: f.type ?? null,
    from: f.from?.toISOString() ?? null,
    to: f.to?.toISOString() ?? null,
  };
}
