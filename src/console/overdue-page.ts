/** The clerk's Overdue page: copies that break a Decision 28 deadline, sent and received. */
import { html, type SafeHtml } from './html.js';
import type { PageContext } from './page-layout.js';
import type { Tracking } from '../exchange/track-message.js';
import { formatVnTime } from './format-time.js';
import { stateBadge } from './console-widgets.js';

export interface OverdueLists {
  sent: Tracking[];
  received: Tracking[];
}

function table(ctx: PageContext, docs: Tracking[], direction: 'sent' | 'received'): SafeHtml {
  const { t } = ctx;
  const rows = docs.flatMap((d) =>
    d.recipients
      .filter((r) => r.deadlines?.overdue)
      .map((r) => {
        const dl = r.deadlines!;
        const broken = [
          dl.receiptOverdue ? `${t('overdue.receipt')} (${formatVnTime(dl.receiptDueAt)})` : null,
          dl.handlingOverdue ? `${t('overdue.handling')} (${formatVnTime(dl.handlingDueAt)})` : null,
          dl.dueDateOverdue ? `${t('overdue.dueDate')} (${formatVnTime(dl.dueDate)})` : null,
        ].filter((x): x is string => x !== null);
        return html`<tr class="overdue">
          <td>${formatVnTime(d.message.acceptedAt)}</td>
          <td><a href="/console/documents/${d.message.id}">${d.message.subject ?? d.message.documentId}</a><div class="muted">${d.message.code ?? ''}</div></td>
          <td>${direction === 'sent' ? r.recipient : d.message.from}</td>
          <td>${stateBadge(t, r.delivery.state)}</td>
          <td>${broken.map((b) => html`<div>${b}</div>`)}</td>
        </tr>`;
      }),
  );
  const title = direction === 'sent' ? t('overdue.sent') : t('overdue.received');
  return html`<section aria-labelledby="h-${direction}"><h2 id="h-${direction}">${title}</h2>
  ${
    rows.length === 0
      ? html`<p>${t('list.empty')}</p>`
      : html`<table><thead><tr><th scope="col">${t('col.acceptedAt')}</th><th scope="col">${t('col.subject')}</th>
      <th scope="col">${direction === 'sent' ? t('col.recipient') : t('col.sender')}</th><th scope="col">${t('col.state')}</th><th scope="col">${t('col.deadline')}</th></tr></thead>
      <tbody>${rows}</tbody></table>`
  }</section>`;
}

/** Renders both directions. */
export function renderOverduePage(ctx: PageContext, lists: OverdueLists): SafeHtml {
  return html`${table(ctx, lists.sent, 'sent')}${table(ctx, lists.received, 'received')}`;
}
