/**
 * The web console at /console, registered on the hub's Fastify app in its own
 * encapsulated scope (cookies, form bodies, HTML error pages and security
 * headers stay inside /console). People sign in with a console account; their
 * session sets `request.caller` (clerk, auditor or operator) — a client
 * certificate presented by the browser is ignored here.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { HubServices } from '../hub/hub-services.js';
import { toHubError } from '../http/error-handler.js';
import { html } from './html.js';
import { CONSOLE_CSS } from './console-css.js';
import { consoleOptionsFromEnv, type ConsoleOptions } from './console-options.js';
import { createSessionManager } from './console-sessions.js';
import { LANG_COOKIE, SESSION_COOKIE, pageContext, sendPage } from './console-request.js';
import { authRoutes } from './auth-routes.js';
import { clerkRoutes } from './clerk-routes.js';
import { auditorRoutes } from './auditor-routes.js';
import { operatorRoutes } from './operator-routes.js';
import '../http/caller.js';

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

/** Registers the console under /console. Options default from the environment (see console-options.ts). */
export async function consoleRoutes(app: FastifyInstance, s: HubServices, options?: Partial<ConsoleOptions>): Promise<void> {
  const opts: ConsoleOptions = { ...consoleOptionsFromEnv(process.env), ...options };
  const sessions = createSessionManager(s.db, opts);

  await app.register(
    async (scope) => {
      await scope.register(cookie);
      await scope.register(formbody, { bodyLimit: 64 * 1024 });
      scope.decorateRequest('consoleSession', null);
      // Pages for people, not API: keep them out of the OpenAPI document.
      scope.addHook('onRoute', (route) => {
        route.schema = { ...route.schema, hide: true };
      });

      scope.addHook('onRequest', async (req, reply) => {
        void reply.headers(SECURITY_HEADERS);
        const session = await sessions.resolve(req.cookies[SESSION_COOKIE]);
        req.consoleSession = session;
        req.caller = session?.caller ?? null;
        const lang = (req.query as Record<string, unknown> | undefined)?.lang;
        if (lang === 'en' || lang === 'vi') void reply.setCookie(LANG_COOKIE, lang, { path: '/console', secure: true, sameSite: 'strict', httpOnly: true, maxAge: 365 * 86_400 });
      });

      scope.setErrorHandler((err: FastifyError, req, reply) => {
        // A database refusal of the request's own values is the user's 400, as on the API.
        const known = toHubError(err);
        const status = known.code === 'internal' ? (err.statusCode ?? 500) : known.status;
        const code = known.code === 'internal' ? (err.code ?? 'http.error') : known.code;
        if (status === 401 && req.method === 'GET') return reply.redirect('/console/login', 303);
        if (status >= 500) req.log.error({ err }, 'console error');
        const ctx = pageContext(req);
        const { t } = ctx;
        const text =
          status === 404 ? t('error.notFound') : code === 'console.csrf' ? t('error.csrf') : status === 403 || status === 401 ? t('error.forbidden') : status >= 500 ? '' : known.code === 'internal' ? err.message : known.message;
        return sendPage(reply, ctx, `${t('error.title')} ${status}`, html`<p class="error" role="alert">${text}</p><p class="muted">${code}</p>`, status);
      });

      scope.setNotFoundHandler((req, reply) => {
        const ctx = pageContext(req);
        return sendPage(reply, ctx, `${ctx.t('error.title')} 404`, html`<p class="error" role="alert">${ctx.t('error.notFound')}</p>`, 404);
      });

      scope.get('/static/console.css', async (_req, reply) =>
        reply.header('cache-control', 'public, max-age=3600').type('text/css; charset=utf-8').send(CONSOLE_CSS),
      );

      authRoutes(scope, sessions);
      clerkRoutes(scope, s, opts);
      auditorRoutes(scope, s);
      operatorRoutes(scope, s);
    },
    { prefix: '/console' },
  );
}
