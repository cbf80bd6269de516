/**
 * One document as a clerk sees it: header fields, the signature verdict in
 * words, attachments to download, a timeline per recipient (from the exchange
 * log and the business statuses), related documents, receipts, and — for a
 * recipient — the acknowledge and status forms.
 */
import { html, type SafeHtml } from './html.js';
import type { PageContext } from './page-layout.js';
import type { Tracking, RecipientTracking } from '../exchange/track-message.js';
import type { AuditEventView } from '../audit/query-events.js';
import { aboutDelivery } from '../audit/listed-deliveries.js';
import type { EdocMessage } from '../edxml/types.js';
import type { MessageHeaderView } from '../exchange/message-view.js';
import { formatVnTime } from './format-time.js';
import { isMessageKey, type MessageKey } from './i18n.js';
import { csrfField, overdueBadge, signatureText, stateBadge, statusBadge, statusLabel } from './console-widgets.js';

export interface DocumentPageData {
  tracking: Tracking;
  /** The parsed message as stored at acceptance (metadata only). */
  summary: Partial<EdocMessage>;
  /** Exchange-log events of this message visible to the clerk's agency, oldest first. */
  events: AuditEventView[];
  /** The clerk's agency. */
  organId: string;
  csrfToken: string;
  /** A one-line result of the last action (after a redirect). */
  notice: string | null;
}

const EVENT_LABELS: Record<string, MessageKey> = {
  'message.accepted': 'ev.accepted',
  'delivery.queued': 'ev.queued',
  'delivery.pushed': 'ev.delivered',
  'delivery.retried': 'ev.retried',
  'delivery.undeliverable': 'ev.undeliverable',
  'delivery.rerouted': 'ev.rerouted',
  'delivery.fetched': 'ev.fetched',
  'delivery.acknowledged': 'ev.acknowledged',
  'delivery.failed': 'ev.failedAck',
  'deliveries.fetched': 'ev.fetched',
  'deliveries.acknowledged': 'ev.acknowledged',
  'deliveries.failed': 'ev.failedAck',
};

export interface TimelineEntry {
  at: string;
  what: SafeHtml | string;
  who: string;
  note?: string;
}

/** One recipient's timeline, oldest first: the acceptance, its delivery's log entries and the recipient's business statuses. */
export function timelineOf(ctx: PageContext, r: RecipientTracking, accepted: AuditEventView | undefined, events: AuditEventView[]): TimelineEntry[] {
  const { t } = ctx;
  const out: TimelineEntry[] = [];
  if (accepted) {
    out.push({ at: accepted.at, what: t('ev.accepted'), who: accepted.actor });
    // The acceptance lists the deliveries it queued (older logs have a delivery.queued entry each, below).
    const listed = Array.isArray(accepted.data.deliveries) ? (accepted.data.deliveries as unknown[]) : [];
    if (listed.some((d) => typeof d === 'object' && d !== null && (d as { deliveryId?: unknown }).deliveryId === r.delivery.id)) {
      out.push({ at: accepted.at, what: t('ev.queued'), who: 'hub' });
    }
  }
  for (const e of events) {
    // The delivery's own entries, and the page fetches and batch acknowledgements that list it.
    const about = aboutDelivery(e, r.delivery.id);
    if (!about) continue;
    const key = EVENT_LABELS[e.type];
    const manual = e.type === 'delivery.retried' && e.actor.startsWith('operator:');
    const error = typeof e.data.error === 'string' ? e.data.error : typeof e.data.reason === 'string' ? e.data.reason : (about.reason ?? undefined);
    out.push({ at: e.at, what: manual ? t('ev.manualRetry') : key ? t(key) : e.type, who: e.actor, ...(error ? { note: error } : {}) });
  }
  for (const s of r.statuses) {
    const staff = typeof s.staff?.staff === 'string' ? ` (${s.staff.staff})` : '';
    out.push({ at: s.recordedAt, what: statusBadge(t, s.code), who: `${s.reportedBy}${staff}`, ...(s.description ? { note: s.description } : {}) });
  }
  return out.sort((a, b) => a.at.localeCompare(b.at));
}

function field(label: string, value: SafeHtml | string | null | undefined): SafeHtml {
  return value ? html`<dt>${label}</dt><dd>${value}</dd>` : html``;
}

function linkTo(ctx: PageContext, m: MessageHeaderView): SafeHtml {
  const key = `btype.${m.businessDocType ?? 0}`;
  return html`<a href="/console/documents/${m.id}">${m.code ?? m.documentId}</a> · ${isMessageKey(key) ? ctx.t(key) : ''} · ${formatVnTime(m.acceptedAt)}`;
}

function recipientActions(ctx: PageContext, d: DocumentPageData, r: RecipientTracking): SafeHtml {
  const { t } = ctx;
  const canAck = r.delivery.state === 'available' || r.delivery.state === 'fetched';
  return html`<div class="actions">
    ${
      canAck
        ? html`<form method="post" action="/console/deliveries/${r.delivery.id}/ack">
        ${csrfField(d.csrfToken)}
        <input type="hidden" name="document" value="${d.tracking.message.id}">
        <button type="submit">${t('ack.submit')}: ${t('ack.done')}</button>
      </form>`
        : ''
    }
    <form method="post" action="/console/documents/${d.tracking.message.id}/status">
      <h3>${t('status.title')}</h3>
      ${csrfField(d.csrfToken)}
      <div><label for="status-code">${t('status.code')}</label>
      <select id="status-code" name="code">
        ${['03', '02', '04', '05', '06'].map((c) => html`<option value="${c}">${statusLabel(t, c)}</option>`)}
      </select></div>
      <div><label for="status-reason">${t('status.reason')}</label>
      <textarea id="status-reason" name="reason" rows="2" maxlength="1000"></textarea></div>
      <button type="submit">${t('status.submit')}</button>
    </form>
  </div>`;
}

/** Renders the body of the document page. */
export function renderDocumentPage(ctx: PageContext, d: DocumentPageData): SafeHtml {
  const { t } = ctx;
  const m = d.tracking.message;
  const s = d.summary;
  const isSender = m.from === d.organId;
  const accepted = d.events.find((e) => e.type === 'message.accepted');
  const promulgation = [s.promulgationInfo?.place, s.promulgationInfo?.promulgationDate].filter(Boolean).join(', ');
  const signer = [s.signerInfo?.competence, s.signerInfo?.position, s.signerInfo?.fullName].filter(Boolean).join(' – ');
  const btype = `btype.${m.businessDocType ?? 0}`;
  const attachments = s.attachments ?? [];
  return html`
  ${d.notice ? html`<p class="notice" role="status">${d.notice}</p>` : ''}
  <section aria-labelledby="h-header">
    <h2 id="h-header">${t('doc.header')}</h2>
    <dl class="fields">
      ${field(t('col.subject'), m.subject)}
      ${field(t('col.code'), m.code)}
      ${field(t('doc.documentId'), m.documentId)}
      ${field(t('doc.from'), `${m.from}${s.from?.organName ? ` – ${s.from.organName}` : ''}`)}
      ${field(t('doc.to'), m.to.join(', '))}
      ${field(t('doc.promulgation'), promulgation)}
      ${field(t('doc.type'), s.documentType?.typeName ?? s.documentType?.type)}
      ${field(t('doc.signer'), signer)}
      ${field(t('doc.dueDate'), s.dueDate)}
      ${field(t('doc.priority'), m.priority === null ? null : String(m.priority))}
      ${field(t('doc.businessType'), isMessageKey(btype) ? t(btype) : null)}
      ${field(t('col.acceptedAt'), formatVnTime(m.acceptedAt))}
      ${field(t('doc.size'), `${m.size} B · ${m.sha256}`)}
      ${field(t('doc.signature'), signatureText(t, m.signature))}
    </dl>
  </section>
  <section aria-labelledby="h-attachments">
    <h2 id="h-attachments">${t('doc.attachments')}</h2>
    ${
      attachments.length === 0
        ? html`<p>${t('doc.noAttachments')}</p>`
        : html`<ul>${attachments.map(
            (a, i) =>
              html`<li><a href="/console/documents/${m.id}/attachments/${i}" download>${t('doc.download')}: ${a.attachmentName ?? a.contentId}</a>
                <span class="muted">${a.contentType ?? ''} · ${a.size} B · SHA-256 ${a.sha256}</span></li>`,
          )}</ul>`
    }
  </section>
  <section aria-labelledby="h-receipts">
    <h2 id="h-receipts">${t('doc.receipts')}</h2>
    <ul>
      <li><a href="/console/documents/${m.id}/receipt" download>${t('doc.receipt')}</a>
        <span class="muted">(API: <code>/v1/messages/${m.id}/receipt</code>)</span></li>
    </ul>
    <p class="muted">${t('doc.receiptHow')}</p>
  </section>
  ${
    d.tracking.original || d.tracking.linked.length > 0
      ? html`<section aria-labelledby="h-links"><h2 id="h-links">${t('doc.links')}</h2><ul>
        ${d.tracking.original ? html`<li>${t('doc.original')}: ${linkTo(ctx, d.tracking.original)}</li>` : ''}
        ${d.tracking.linked.map((l) => html`<li>${t('doc.linked')}: ${linkTo(ctx, l)}</li>`)}
      </ul></section>`
      : ''
  }
  <section aria-labelledby="h-timeline">
    <h2 id="h-timeline">${t('doc.timeline')}</h2>
    ${d.tracking.recipients.map(
      (r) => html`<section class="recipient" data-recipient="${r.recipient}" aria-label="${r.recipient}">
        <h3>${r.recipient} ${stateBadge(t, r.delivery.state)}${r.businessStatus ? statusBadge(t, r.businessStatus) : ''}${
          r.deadlines?.overdue ? overdueBadge(t) : ''
        }</h3>
        <p class="muted">${[
          r.delivery.mode === 'push' ? html`${t('ev.attempts')}: ${r.delivery.attempts}` : null,
          r.delivery.lastError ? html`${t('ev.lastError')}: ${r.delivery.lastError}` : null,
          r.deadlines ? html`${t('ev.deadlines')}: ${formatVnTime(r.deadlines.receiptDueAt)} / ${formatVnTime(r.deadlines.handlingDueAt)}` : null,
          isSender && r.delivery.acknowledgedAt ? html`<a href="/console/deliveries/${r.delivery.id}/receipt" download>${t('doc.deliveryReceipt')}</a>` : null,
        ]
          .filter((x) => x !== null)
          .map((x, i) => html`${i > 0 ? ' · ' : ''}${x}`)}</p>
        <ol class="timeline">${timelineOf(ctx, r, accepted, d.events).map(
          (e) => html`<li><time datetime="${e.at}">${formatVnTime(e.at)}</time> — ${e.what} <span class="muted">${t('ev.by')} ${e.who}</span>${
            e.note ? html` <span class="muted">(${e.note})</span>` : ''
          }</li>`,
        )}</ol>
        ${!isSender && r.recipient === d.organId ? recipientActions(ctx, d, r) : ''}
      </section>`,
    )}
  </section>`;
}
