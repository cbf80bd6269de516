/** The clerk's Received list: the same search, the delivery state, acknowledge and status forms per row. */
import { html, type SafeHtml } from './html.js';
import type { PageContext } from './page-layout.js';
import type { Tracking } from '../exchange/track-message.js';
import { formatVnTime } from './format-time.js';
import { documentList, overdueBadge, stateBadge, statusBadge, type SearchQuery } from './console-widgets.js';

export interface ReceivedItem {
  deliveryId: string;
  tracking: Tracking;
}

/** Renders the body of the Received page (newest first). */
export function renderReceivedPage(ctx: PageContext, q: SearchQuery, items: ReceivedItem[], next: string | null, isFirst: boolean): SafeHtml {
  const { t } = ctx;
  const rows = items.map(({ tracking: d }) => {
    const mine = d.recipients[0];
    const overdue = mine?.deadlines?.overdue ?? false;
    return html`<tr class="${overdue ? 'overdue' : ''}">
      <td>${formatVnTime(d.message.acceptedAt)}</td>
      <td>${d.message.from}</td>
      <td>${d.message.code ?? ''}</td>
      <td><a href="/console/documents/${d.message.id}">${d.message.subject ?? d.message.documentId}</a><div class="muted">${d.message.documentId}</div></td>
      <td>${mine ? stateBadge(t, mine.delivery.state) : ''}${mine?.businessStatus ? statusBadge(t, mine.businessStatus) : ''}${overdue ? overdueBadge(t) : ''}</td>
    </tr>`;
  });
  return documentList(
    t,
    {
      action: '/console/received',
      counterpartLabel: 'search.sender',
      title: 'received.title',
      columns: ['col.acceptedAt', 'col.sender', 'col.code', 'col.subject', 'col.state'],
      rows,
    },
    q,
    next,
    isFirst,
  );
}
