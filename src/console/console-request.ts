/**
 * Per-request helpers of the console: the session the hook found, the language
 * (`?lang=` then the `edoc_lang` cookie, Vietnamese by default), role guards
 * and sending a rendered page with the console's security headers.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';
import { HubError } from '../shared/hub-error.js';
import { translator, type Lang } from './i18n.js';
import type { ConsoleSession } from './console-sessions.js';
import { renderPage, type PageContext } from './page-layout.js';
import type { SafeHtml } from './html.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The console session of the request (set by the console's onRequest hook), or null. */
    consoleSession: ConsoleSession | null;
  }
}

export const SESSION_COOKIE = 'edoc_session';
export const LANG_COOKIE = 'edoc_lang';
export const LOGIN_CSRF_COOKIE = 'edoc_login_csrf';

/** Cookie attributes of the console: never sent cross-site, never to scripts, only over HTTPS, only under /console. */
export const COOKIE_OPTIONS = { path: '/console', httpOnly: true, secure: true, sameSite: 'strict' } as const;

/** The language of this request. */
export function langOf(req: FastifyRequest): Lang {
  const q = (req.query as Record<string, unknown> | undefined)?.lang;
  if (q === 'en' || q === 'vi') return q;
  return req.cookies[LANG_COOKIE] === 'en' ? 'en' : 'vi';
}

export function pageContext(req: FastifyRequest): PageContext {
  const lang = langOf(req);
  return { lang, t: translator(lang), session: req.consoleSession, url: req.url };
}

/** The session of a signed-in user with one of `roles`; 401/403 otherwise. */
export function requireRole<R extends ConsoleSession['role']>(req: FastifyRequest, ...roles: R[]): ConsoleSession & { role: R } {
  const s = req.consoleSession;
  if (!s) throw new HubError('console.signed_out', 'sign in to the console first', { status: 401 });
  if (!(roles as string[]).includes(s.role)) throw new HubError('console.forbidden', `this page is for the ${roles.join('/')} role`, { status: 403 });
  return s as ConsoleSession & { role: R };
}

/** A clerk's session and agency. */
export function requireClerk(req: FastifyRequest): ConsoleSession & { role: 'clerk'; organId: string } {
  const s = requireRole(req, 'clerk');
  if (!s.organId) throw new HubError('console.forbidden', 'this clerk has no agency', { status: 403 });
  return s as ConsoleSession & { role: 'clerk'; organId: string };
}

/** Sends a full page. */
export function sendPage(reply: FastifyReply, ctx: PageContext, title: string, body: SafeHtml, status = 200): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').send(renderPage(ctx, title, body).value);
}

/** Reads a query string as flat strings (first value of repeated keys). */
export function queryStrings(req: FastifyRequest): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries((req.query as Record<string, unknown> | undefined) ?? {})) {
    const first = Array.isArray(v) ? (v[0] as unknown) : v;
    if (typeof first === 'string') out[k] = first;
  }
  return out;
}
