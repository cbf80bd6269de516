/**
 * The auditor's pages: log search (agency, DocumentId, event type, time) with
 * each event's details, export of the current filter, and the verification of
 * the whole chain with the last signed checkpoint. They call the audit
 * functions the API uses, as an auditor, so each search and export is itself
 * recorded in the log.
 */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { HubServices } from '../hub/hub-services.js';
import { queryAuditEvents } from '../audit/query-events.js';
import { exportAuditEvents } from '../audit/export-events.js';
import { verifyAuditDatabase } from '../audit/verify-database.js';
import { readCheckpoints } from '../audit/read-chain.js';
import { AUDIT_EVENT_TYPES } from '../audit/event-types.js';
import type { AuditFilter, AuditViewer } from '../audit/audit-viewer.js';
import { devPkiLayout } from '../pki/dev-pki-layout.js';
import { html } from './html.js';
import { pageContext, queryStrings, requireRole, sendPage } from './console-request.js';
import { formatVnTime, parseVnDateTime } from './format-time.js';

const FILTER_KEYS = ['organ', 'documentId', 'type', 'from', 'to'] as const;
const CURSOR = /^[A-Za-z0-9_-]{1,40}$/;

function filterOf(q: Record<string, string | undefined>): AuditFilter {
  const f: AuditFilter = {};
  const v = (k: string): string | undefined => (q[k] && q[k].trim() !== '' ? q[k].trim().slice(0, 512) : undefined);
  const organ = v('organ');
  const documentId = v('documentId');
  const type = v('type');
  const from = parseVnDateTime(v('from'));
  const to = parseVnDateTime(v('to'));
  if (organ) f.organId = organ;
  if (documentId) f.documentId = documentId;
  if (type && (AUDIT_EVENT_TYPES as readonly string[]).includes(type)) f.type = [type];
  if (from) f.from = from;
  if (to) f.to = to;
  return f;
}

function keepFilter(q: Record<string, string | undefined>): URLSearchParams {
  return new URLSearchParams(FILTER_KEYS.flatMap((k) => (q[k] ? [[k, q[k]] as [string, string]] : [])));
}

export function auditorRoutes(scope: FastifyInstance, s: HubServices): void {
  const { db } = s;
  const viewerOf = (name: string): AuditViewer => ({ kind: 'auditor', name: `console:${name}` });

  scope.get('/audit', async (req, reply) => {
    const session = requireRole(req, 'auditor');
    const q = queryStrings(req);
    const after = q.after && CURSOR.test(q.after) ? q.after : undefined;
    const page = await queryAuditEvents(db, viewerOf(session.username), filterOf(q), { limit: 50, ...(after ? { after } : {}) });
    const ctx = pageContext(req);
    const { t } = ctx;
    const kept = keepFilter(q);
    const nextParams = new URLSearchParams(kept);
    if (page.next) nextParams.set('after', page.next);
    const input = (name: string, label: string, type = 'text') =>
      html`<div><label for="a-${name}">${label}</label><input id="a-${name}" name="${name}" type="${type}" value="${q[name] ?? ''}"></div>`;
    const body = html`<form class="search" method="get" action="/console/audit" role="search" aria-label="${t('search.title')}">
      ${input('organ', t('audit.organ'))}
      ${input('documentId', t('search.documentId'))}
      <div><label for="a-type">${t('audit.type')}</label><select id="a-type" name="type">
        <option value="">${t('audit.anyType')}</option>
        ${AUDIT_EVENT_TYPES.map((ty) => html`<option value="${ty}" ${q.type === ty ? html`selected` : ''}>${ty}</option>`)}
      </select></div>
      ${input('from', t('audit.fromTime'), 'datetime-local')}
      ${input('to', t('audit.toTime'), 'datetime-local')}
      <div><button type="submit">${t('search.submit')}</button> <a href="/console/audit">${t('search.reset')}</a></div>
    </form>
    <p>${t('audit.export')}:
      <a href="/console/audit/export?${kept.toString()}${kept.size > 0 ? '&' : ''}format=ndjson" download>NDJSON</a> ·
      <a href="/console/audit/export?${kept.toString()}${kept.size > 0 ? '&' : ''}format=csv" download>CSV</a></p>
    ${
      page.events.length === 0
        ? html`<p>${t('list.empty')}</p>`
        : html`<table>
      <caption class="muted">${t('audit.title')}</caption>
      <thead><tr><th scope="col">${t('audit.at')}</th><th scope="col">${t('audit.type')}</th><th scope="col">${t('audit.actor')}</th>
        <th scope="col">${t('audit.organ')}</th><th scope="col">DocumentId</th><th scope="col">${t('audit.seq')}</th><th scope="col">${t('audit.details')}</th></tr></thead>
      <tbody>${page.events.map(
        (e) => html`<tr data-event-type="${e.type}">
          <td><time datetime="${e.at}">${formatVnTime(e.at)}</time></td><td>${e.type}</td><td>${e.actor}</td><td>${e.organs.join(', ')}</td>
          <td>${e.documentId ?? ''}</td><td>${e.seq ?? '…'}</td>
          <td><details><summary>${t('audit.details')}</summary><pre>${JSON.stringify(
            { id: e.id, at: e.at, messageId: e.messageId, deliveryId: e.deliveryId, hash: e.hash, data: e.data },
            null,
            2,
          )}</pre></details></td>
        </tr>`,
      )}</tbody></table>`
    }
    <nav class="pager" aria-label="${t('list.pager')}">
      ${after ? html`<a href="/console/audit?${kept.toString()}">${t('list.first')}</a>` : ''}
      ${page.next ? html`<a href="/console/audit?${nextParams.toString()}" rel="next">${t('list.next')}</a>` : ''}
    </nav>`;
    return sendPage(reply, ctx, t('audit.title'), body);
  });

  scope.get('/audit/export', async (req, reply) => {
    const session = requireRole(req, 'auditor');
    const q = queryStrings(req);
    const format = q.format === 'csv' ? 'csv' : 'ndjson';
    const chunks = exportAuditEvents(db, viewerOf(session.username), filterOf(q), { format });
    // Pull the first chunk here so a refusal becomes an error page rather than a broken download.
    const first = await chunks.next();
    async function* rest(): AsyncGenerator<string> {
      if (!first.done) yield first.value;
      yield* chunks;
    }
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
    return reply
      .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="audit-${stamp}.${format === 'csv' ? 'csv' : 'ndjson'}"`)
      .send(Readable.from(rest()));
  });

  scope.get('/audit/chain', async (req, reply) => {
    requireRole(req, 'auditor');
    const caCertPem = readFileSync(devPkiLayout(s.config.certsDir).caCert, 'utf8');
    const report = await verifyAuditDatabase(db, { caCertPem, databaseUrl: s.config.databaseUrl });
    const last = report.signedThrough ? (await readCheckpoints(db, { fromSeq: report.signedThrough, limit: 1 }))[0] : undefined;
    const ctx = pageContext(req);
    const { t } = ctx;
    const body = html`
      ${
        report.ok
          ? html`<p class="notice" role="status" data-chain="ok">${t('chain.ok')}</p>`
          : html`<p class="error" role="alert" data-chain="broken">${t('chain.broken')}: seq ${report.firstFailure?.seq ?? '?'} — ${report.firstFailure?.reason ?? ''}</p>`
      }
      <dl class="fields">
        <dt>${t('chain.entries')}</dt><dd>${report.entries}</dd>
        <dt>${t('chain.checkpoints')}</dt><dd>${report.checkpoints}</dd>
        <dt>${t('chain.signedThrough')}</dt><dd>${report.signedThrough ?? '—'}</dd>
      </dl>
      <h2>${t('chain.lastCheckpoint')}</h2>
      ${
        last
          ? html`<dl class="fields"><dt>seq</dt><dd>${last.seq}</dd><dt>${t('audit.at')}</dt><dd>${formatVnTime(last.at)}</dd>
            <dt>hash</dt><dd><code>${last.hash}</code></dd><dt>algorithm</dt><dd>${last.algorithm}</dd></dl>`
          : html`<p>${t('chain.none')}</p>`
      }`;
    return sendPage(reply, ctx, t('chain.title'), body);
  });
}
