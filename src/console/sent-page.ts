/** The clerk's Sent list: search, per-recipient state at a glance, overdue rows highlighted. */
import { html, type SafeHtml } from './html.js';
import type { PageContext } from './page-layout.js';
import type { Tracking } from '../exchange/track-message.js';
import { formatVnTime } from './format-time.js';
import { pager, searchForm, stateBadge, statusBadge, type SearchQuery } from './console-widgets.js';

/** Renders the body of the Sent page from tracked documents (newest first). */
export function renderSentPage(ctx: PageContext, q: SearchQuery, docs: Tracking[], next: string | null, isFirst: boolean): SafeHtml {
  const { t } = ctx;
  const rows = docs.map((d) => {
    const overdue = d.recipients.some((r) => r.deadlines?.overdue);
    return html`<tr class="${overdue ? 'overdue' : ''}">
      <td>${formatVnTime(d.message.acceptedAt)}</td>
      <td>${d.message.code ?? ''}</td>
      <td><a href="/console/documents/${d.message.id}">${d.message.subject ?? d.message.documentId}</a>
        <div class="muted">${d.message.documentId}</div>
        ${overdue ? html`<span class="badge bad">${t('overdue.badge')}</span>` : ''}</td>
      <td><ul class="recipients">${d.recipients.map(
        (r) => html`<li data-recipient="${r.recipient}">${r.recipient}: ${stateBadge(t, r.delivery.state)}${r.businessStatus ? statusBadge(t, r.businessStatus) : ''}${
          r.deadlines?.overdue ? html`<span class="badge bad">${t('overdue.badge')}</span>` : ''
        }</li>`,
      )}</ul></td>
    </tr>`;
  });
  return html`${searchForm(t, '/console/sent', q, 'search.recipient')}
  ${
    docs.length === 0
      ? html`<p>${t('list.empty')}</p>`
      : html`<table>
    <caption class="muted">${t('sent.title')}</caption>
    <thead><tr><th scope="col">${t('col.acceptedAt')}</th><th scope="col">${t('col.code')}</th><th scope="col">${t('col.subject')}</th><th scope="col">${t('col.recipients')}</th></tr></thead>
    <tbody>${rows}</tbody>
  </table>`
  }
  ${pager(t, '/console/sent', q, next, isFirst)}`;
}
