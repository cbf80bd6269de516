/** The page shell every console page is rendered in: header, role menu, language switch, main landmark. */
import { html, type SafeHtml } from './html.js';
import type { Lang, MessageKey, Translate } from './i18n.js';
import type { ConsoleSession } from './console-sessions.js';

/** What a page handler knows about the request it renders for. */
export interface PageContext {
  lang: Lang;
  t: Translate;
  session: ConsoleSession | null;
  /** Path and query of the request, to build the language switch link. */
  url: string;
}

const MENUS: Record<ConsoleSession['role'], [string, MessageKey][]> = {
  clerk: [
    ['/console/sent', 'nav.sent'],
    ['/console/received', 'nav.received'],
    ['/console/overdue', 'nav.overdue'],
  ],
  auditor: [
    ['/console/audit', 'nav.audit'],
    ['/console/audit/chain', 'nav.chain'],
  ],
  operator: [
    ['/console/agencies', 'nav.agencies'],
    ['/console/queues', 'nav.queues'],
  ],
};

function switchLangUrl(url: string, lang: Lang): string {
  const u = new URL(url, 'https://hub.invalid');
  u.searchParams.set('lang', lang === 'vi' ? 'en' : 'vi');
  return `${u.pathname}${u.search}`;
}

/** A whole HTML page. */
export function renderPage(ctx: PageContext, title: string, body: SafeHtml): SafeHtml {
  const { t, session } = ctx;
  const path = new URL(ctx.url, 'https://hub.invalid').pathname;
  const menu = session
    ? html`<nav aria-label="${t('nav.main')}"><ul>
        ${MENUS[session.role].map(([href, key]) => html`<li><a href="${href}" ${path === href ? html`aria-current="page"` : ''}>${t(key)}</a></li>`)}
      </ul></nav>
      <span class="who">${session.username} · ${t(`role.${session.role}`)}${session.organId ? ` · ${session.organId}` : ''}</span>
      <form class="inline-form" method="post" action="/console/logout">
        <input type="hidden" name="_csrf" value="${session.csrfToken}">
        <button type="submit" class="linkish">${t('nav.logout')}</button>
      </form>`
    : '';
  return html`<!doctype html>
<html lang="${ctx.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${t('app.title')}</title>
<link rel="stylesheet" href="/console/static/console.css">
</head>
<body>
<a class="skip" href="#main">${t('app.skip')}</a>
<header class="top">
  <span class="brand">${t('app.title')}</span>
  ${menu}
  <a href="${switchLangUrl(ctx.url, ctx.lang)}" lang="${ctx.lang === 'vi' ? 'en' : 'vi'}">${t('nav.lang')}</a>
</header>
<main id="main">
<h1>${title}</h1>
${body}
</main>
</body>
</html>`;
}
