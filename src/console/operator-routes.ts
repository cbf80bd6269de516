/**
 * The operator's pages: the agency directory (delivery mode, endpoint,
 * certificates with expiry, signature policy) and queue health with retry of
 * undeliverable deliveries. A retry is a database change first (back to
 * `queued`, with an exchange-log event), then a queue nudge; if the nudge is
 * lost, the reconciler re-enqueues the delivery from the database.
 */
import { existsSync, readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { HubServices } from '../hub/hub-services.js';
import { listAgencies } from '../store/agency-repo.js';
import { listUndeliverable, requeueUndeliverable } from '../store/search-repo.js';
import { appendAuditEvent } from '../audit/append-event.js';
import { getMessage } from '../store/message-repo.js';
import { isUuid, notFound } from '../exchange/read-access.js';
import { devPkiLayout } from '../pki/dev-pki-layout.js';
import { html } from './html.js';
import { pageContext, queryStrings, requireRole, sendPage } from './console-request.js';
import { checkCsrf } from './csrf.js';
import { csrfField } from './console-widgets.js';
import { formatVnTime } from './format-time.js';

interface CertificateLine {
  fingerprint: string;
  validTo: Date | null;
  source: string;
}

/** Certificates of an agency: the pinned fingerprints, and the dev-PKI certificate files when present. */
function certificatesOf(certsDir: string, organId: string, pinned: string[]): CertificateLine[] {
  const out: CertificateLine[] = [];
  const l = devPkiLayout(certsDir);
  for (let i = 1; i <= 5; i++) {
    const file = l.agencyCert(organId, i);
    if (!existsSync(file)) break;
    try {
      const c = new X509Certificate(readFileSync(file));
      out.push({ fingerprint: c.fingerprint256, validTo: new Date(c.validTo), source: i === 1 ? 'cert.pem' : `cert-${i}.pem` });
    } catch {
      // An unreadable file is shown as missing rather than breaking the page.
    }
  }
  for (const fp of pinned) if (!out.some((c) => c.fingerprint === fp)) out.push({ fingerprint: fp, validTo: null, source: 'pinned' });
  return out;
}

export function operatorRoutes(scope: FastifyInstance, s: HubServices): void {
  const { db } = s;

  scope.get('/agencies', async (req, reply) => {
    requireRole(req, 'operator');
    const agencies = await listAgencies(db);
    const ctx = pageContext(req);
    const { t } = ctx;
    const now = Date.now();
    const body = html`<table>
      <caption class="muted">${t('agencies.title')}</caption>
      <thead><tr><th scope="col">OrganId</th><th scope="col">${t('agencies.name')}</th><th scope="col">${t('agencies.mode')}</th>
        <th scope="col">${t('agencies.endpoint')}</th><th scope="col">${t('agencies.policy')}</th><th scope="col">${t('agencies.certs')}</th><th scope="col">${t('agencies.active')}</th></tr></thead>
      <tbody>${agencies.map((a) => {
        const certs = certificatesOf(s.config.certsDir, a.organId, a.certificates);
        return html`<tr data-organ="${a.organId}">
          <td>${a.organId}</td><td>${a.name}</td><td>${a.delivery.mode}</td><td>${a.delivery.mode === 'push' ? a.delivery.endpoint : '—'}</td>
          <td>${a.signaturePolicy}${a.allowLegacyAlgorithms ? ' (SHA-1)' : ''}</td>
          <td>${certs.map(
            (c) => html`<div><code title="${c.fingerprint}">${c.fingerprint.slice(0, 23)}…</code> <span class="muted">${c.source}</span>
              ${c.validTo ? html`<span class="badge ${c.validTo.getTime() < now ? 'bad' : c.validTo.getTime() < now + 30 * 86_400_000 ? 'warn' : 'ok'}">${formatVnTime(c.validTo)}</span>` : ''}</div>`,
          )}</td>
          <td>${a.active ? t('yes') : t('no')}</td>
        </tr>`;
      })}</tbody></table>`;
    return sendPage(reply, ctx, t('agencies.title'), body);
  });

  scope.get('/queues', async (req, reply) => {
    const session = requireRole(req, 'operator');
    const counts = await s.pushQueue.counts().catch(() => null);
    const stuck = await listUndeliverable(db, 100);
    const ctx = pageContext(req);
    const { t } = ctx;
    const q = queryStrings(req);
    const body = html`
      ${q.done === 'retry' ? html`<p class="notice" role="status">${t('queues.retried')}</p>` : ''}
      <h2>push-delivery</h2>
      ${
        counts
          ? html`<dl class="fields" data-queue="push-delivery">${Object.entries(counts).map(([k, v]) => html`<dt>${k}</dt><dd data-count="${k}">${v}</dd>`)}</dl>`
          : html`<p class="error" role="alert">${t('queues.unavailable')}</p>`
      }
      <h2>${t('queues.undeliverable')}</h2>
      ${
        stuck.length === 0
          ? html`<p>${t('list.empty')}</p>`
          : html`<table><thead><tr><th scope="col">${t('col.sender')}</th><th scope="col">${t('col.recipient')}</th><th scope="col">DocumentId</th>
            <th scope="col">${t('ev.attempts')}</th><th scope="col">${t('ev.lastError')}</th><th scope="col">${t('audit.at')}</th><th scope="col">${t('col.actions')}</th></tr></thead>
            <tbody>${stuck.map(
              (d) => html`<tr data-delivery="${d.id}"><td>${d.from}</td><td>${d.recipient}</td><td>${d.documentId}</td><td>${d.attempts}</td>
                <td>${d.lastError ?? ''}</td><td>${formatVnTime(d.updatedAt)}</td>
                <td><form method="post" action="/console/deliveries/${d.id}/retry">${csrfField(session.csrfToken)}
                  <button type="submit" aria-label="${t('queues.retry')} ${d.recipient} ${d.documentId}">${t('queues.retry')}</button></form></td></tr>`,
            )}</tbody></table>`
      }`;
    return sendPage(reply, ctx, t('queues.title'), body);
  });

  scope.post<{ Params: { id: string } }>('/deliveries/:id/retry', async (req, reply) => {
    const session = requireRole(req, 'operator');
    checkCsrf(req, session);
    const id = req.params.id;
    if (!isUuid(id)) throw notFound('delivery', id);
    const moved = await db.tx(async (q) => {
      const d = await requeueUndeliverable(q, id);
      if (!d) return null;
      const m = await getMessage(q, d.messageId);
      await appendAuditEvent(q, {
        type: 'delivery.retried',
        actor: `operator:${session.username}`,
        organs: [m?.from_organ ?? d.recipient, d.recipient],
        messageId: d.messageId,
        deliveryId: d.id,
        ...(m ? { documentId: m.document_id } : {}),
        data: { recipient: d.recipient, manual: true, by: session.username },
      });
      return d;
    });
    if (!moved) throw notFound('undeliverable delivery', id);
    // The failed job keeps the delivery's id as its job id; remove it so the new job is not ignored.
    try {
      await (await s.pushQueue.queue.getJob(id))?.remove();
      await s.pushQueue.add([id]);
    } catch (e) {
      s.log.warn({ deliveryId: id, err: (e as Error).message }, 'retry queued in the database; the reconciler will enqueue it');
    }
    s.log.info({ deliveryId: id, user: session.username }, 'undeliverable delivery retried by an operator');
    return reply.redirect('/console/queues?done=retry', 303);
  });
}
