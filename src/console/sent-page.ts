/** The clerk's Sent list: search, per-recipient state at a glance, overdue rows highlighted. */
import { html, type SafeHtml } from './html.js';
import type { PageContext } from './page-layout.js';
import type { Tracking } from '../exchange/track-message.js';
import { formatVnTime } from './format-time.js';
import { documentList, overdueBadge, stateBadge, statusBadge, type SearchQuery } from './console-widgets.js';

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
        ${overdue ? overdueBadge(t) : ''}</td>
      <td><ul class="recipients">${d.recipients.map(
        (r) => html`<li data-recipient="${r.recipient}">${r.recipient}: ${stateBadge(t, r.delivery.state)}${r.businessStatus ? statusBadge(t, r.businessStatus) : ''}${r.deadlines?.overdue ? overdueBadge(t) : ''}</li>`,
      )}</ul></td>
    </tr>`;
  });
  return documentList(
    t,
    { action: '/console/sent', counterpartLabel: 'search.recipient', title: 'sent.title', columns: ['col.acceptedAt', 'col.code', 'col.subject', 'col.recipients'], rows },
    q,
    next,
    isFirst,
  );
}
