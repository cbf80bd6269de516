/** Small pieces of markup several console pages share: badges, search form, pager, CSRF field. */
import { html, type SafeHtml } from './html.js';
import { isMessageKey, type MessageKey, type Translate } from './i18n.js';
import type { DocumentSearch } from '../store/search-repo.js';
import type { SignatureVerdict } from '../pki/xmldsig/signature-verdict.js';

/** The hidden CSRF field every state-changing form carries. */
export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

const STATE_TONE: Record<string, string> = {
  acknowledged: 'ok',
  fetched: 'info',
  available: 'info',
  queued: 'warn',
  pushing: 'warn',
  retrying: 'warn',
  failed: 'bad',
  undeliverable: 'bad',
};

/** A delivery state in words, coloured by how well it went. */
export function stateBadge(t: Translate, state: string): SafeHtml {
  const key = `state.${state}`;
  return html`<span class="badge ${STATE_TONE[state] ?? 'info'}">${isMessageKey(key) ? t(key) : state}</span>`;
}

/** A business status code (01–16) in words. */
export function statusLabel(t: Translate, code: string): string {
  const key = `code.${code}`;
  return isMessageKey(key) ? t(key) : code;
}

export function statusBadge(t: Translate, code: string): SafeHtml {
  const tone = code === '02' || code === '16' ? 'bad' : code === '06' || code === '03' ? 'ok' : 'info';
  return html`<span class="badge ${tone}">${statusLabel(t, code)}</span>`;
}

/** The signature verdict in words: signed and valid / unsigned / invalid and why. */
export function signatureText(t: Translate, v: SignatureVerdict | null | undefined): SafeHtml {
  if (!v || v.status === 'missing') return html`<span class="badge warn">${t('sig.missing')}</span>`;
  if (v.status === 'valid') {
    const who = (v as { signer?: { subject?: string } }).signer?.subject;
    return html`<span class="badge ok">${t('sig.valid')}</span>${who ? html` <span class="muted">${t('sig.by')}: ${who}</span>` : ''}`;
  }
  return html`<span class="badge bad">${t('sig.invalid')}</span> <span class="muted">${v.reason} (${v.code})</span>`;
}

/** The badge of a document or copy past its Decision 28 deadline. */
export function overdueBadge(t: Translate): SafeHtml {
  return html`<span class="badge bad">${t('overdue.badge')}</span>`;
}

/** Search form values as they came from the query string. */
export interface SearchQuery {
  documentId?: string;
  code?: string;
  subject?: string;
  counterpart?: string;
  from?: string;
  to?: string;
}

/** The search form shared by the sent and received lists. */
export function searchForm(t: Translate, action: string, q: SearchQuery, counterpartLabel: 'search.recipient' | 'search.sender'): SafeHtml {
  const field = (name: keyof SearchQuery, label: SafeHtml | string, type = 'text'): SafeHtml =>
    html`<div><label for="f-${name}">${label}</label><input id="f-${name}" name="${name}" type="${type}" value="${q[name] ?? ''}"></div>`;
  return html`<form class="search" method="get" action="${action}" role="search" aria-label="${t('search.title')}">
    ${field('documentId', t('search.documentId'))}
    ${field('code', t('search.code'))}
    ${field('subject', t('search.subject'))}
    ${field('counterpart', t(counterpartLabel))}
    ${field('from', t('search.from'), 'date')}
    ${field('to', t('search.to'), 'date')}
    <div><button type="submit">${t('search.submit')}</button> <a href="${action}">${t('search.reset')}</a></div>
  </form>`;
}

/** Links to the first and the next (older) page, keeping the filter. */
export function pager(t: Translate, action: string, q: SearchQuery, next: string | null, isFirst: boolean): SafeHtml {
  const params = new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
  const first = `${action}${params.size > 0 ? `?${params.toString()}` : ''}`;
  if (next) params.set('before', next);
  return html`<nav class="pager" aria-label="${t('list.pager')}">
    ${isFirst ? '' : html`<a href="${first}">${t('list.first')}</a>`}
    ${next ? html`<a href="${action}?${params.toString()}" rel="next">${t('list.next')}</a>` : ''}
  </nav>`;
}

/** The frame of the sent and received lists: search form, the table (or "nothing found"), pager. */
export function documentList(
  t: Translate,
  list: { action: string; counterpartLabel: 'search.recipient' | 'search.sender'; title: MessageKey; columns: MessageKey[]; rows: SafeHtml[] },
  q: SearchQuery,
  next: string | null,
  isFirst: boolean,
): SafeHtml {
  return html`${searchForm(t, list.action, q, list.counterpartLabel)}
  ${
    list.rows.length === 0
      ? html`<p>${t('list.empty')}</p>`
      : html`<table>
    <caption class="muted">${t(list.title)}</caption>
    <thead><tr>${list.columns.map((c) => html`<th scope="col">${t(c)}</th>`)}</tr></thead>
    <tbody>${list.rows}</tbody>
  </table>`
  }
  ${pager(t, list.action, q, next, isFirst)}`;
}

/** Only the filters a search can use, from query-string values. */
export function toDocumentSearch(q: SearchQuery, parseDate: (v: string | undefined, end?: boolean) => Date | undefined): DocumentSearch {
  const s: DocumentSearch = {};
  const trim = (v: string | undefined): string | undefined => (v && v.trim() !== '' ? v.trim().slice(0, 500) : undefined);
  const documentId = trim(q.documentId);
  const code = trim(q.code);
  const subject = trim(q.subject);
  const counterpart = trim(q.counterpart);
  const from = parseDate(q.from);
  const to = parseDate(q.to, true);
  if (documentId) s.documentId = documentId;
  if (code) s.code = code;
  if (subject) s.subject = subject;
  if (counterpart) s.counterpart = counterpart;
  if (from) s.from = from;
  if (to) s.to = to;
  return s;
}
