/**
 * Sign-in and sign-out. The sign-in form is protected against login CSRF by a
 * double-submit token (a random cookie that the form must repeat); after
 * sign-in every form carries the session's own token.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isHubError } from '../shared/hub-error.js';
import { html } from './html.js';
import { COOKIE_OPTIONS, LOGIN_CSRF_COOKIE, SESSION_COOKIE, pageContext, sendPage } from './console-request.js';
import { checkCsrf, formFields } from './csrf.js';
import { sameToken, type ConsoleSession, type SessionManager } from './console-sessions.js';
import { formatVnTime } from './format-time.js';

/** Where each role lands after sign-in. */
export function homeOf(role: ConsoleSession['role']): string {
  return role === 'clerk' ? '/console/sent' : role === 'auditor' ? '/console/audit' : '/console/queues';
}

function loginPage(req: FastifyRequest, reply: FastifyReply, error: string | null, username = '', status = 200): FastifyReply {
  const token = randomBytes(24).toString('base64url');
  void reply.setCookie(LOGIN_CSRF_COOKIE, token, COOKIE_OPTIONS);
  const ctx = pageContext(req);
  const { t } = ctx;
  const body = html`<div class="login">
    ${error ? html`<p class="error" role="alert" id="login-error">${error}</p>` : ''}
    <form method="post" action="/console/login" ${error ? html`aria-describedby="login-error"` : ''}>
      <input type="hidden" name="_csrf" value="${token}">
      <div><label for="username">${t('login.username')}</label>
        <input id="username" name="username" type="text" autocomplete="username" required autofocus value="${username}"></div>
      <div><label for="password">${t('login.password')}</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required></div>
      <button type="submit">${t('login.submit')}</button>
    </form>
  </div>`;
  return sendPage(reply, ctx, t('login.title'), body, status);
}

export function authRoutes(scope: FastifyInstance, sessions: SessionManager): void {
  scope.get('/', async (req, reply) => reply.redirect(req.consoleSession ? homeOf(req.consoleSession.role) : '/console/login', 303));

  scope.get('/login', async (req, reply) => {
    if (req.consoleSession) return reply.redirect(homeOf(req.consoleSession.role), 303);
    return loginPage(req, reply, null);
  });

  scope.post('/login', async (req, reply) => {
    const form = formFields(req);
    const { t } = pageContext(req);
    if (!sameToken(form._csrf, req.cookies[LOGIN_CSRF_COOKIE])) return loginPage(req, reply, t('error.csrf'), form.username ?? '', 403);
    const username = (form.username ?? '').slice(0, 64);
    try {
      const { sessionId, session } = await sessions.signIn(username, (form.password ?? '').slice(0, 1024));
      void reply.clearCookie(LOGIN_CSRF_COOKIE, COOKIE_OPTIONS);
      void reply.setCookie(SESSION_COOKIE, sessionId, COOKIE_OPTIONS);
      req.log.info({ user: session.username, role: session.role }, 'console sign-in');
      return reply.redirect(homeOf(session.role), 303);
    } catch (e) {
      if (isHubError(e) && e.code === 'console.locked') {
        const until = (e.details as { lockedUntil?: string } | undefined)?.lockedUntil;
        req.log.warn({ user: username }, 'console sign-in refused: account locked');
        return loginPage(req, reply, `${t('login.locked')} ${formatVnTime(until ?? null)}`, username, 423);
      }
      if (isHubError(e) && e.code === 'console.bad_credentials') {
        req.log.warn({ user: username }, 'console sign-in failed');
        return loginPage(req, reply, t('login.failed'), username, 401);
      }
      throw e;
    }
  });

  scope.post('/logout', async (req, reply) => {
    const session = req.consoleSession;
    if (session) {
      checkCsrf(req, session);
      await sessions.signOut(req.cookies[SESSION_COOKIE]);
    }
    void reply.clearCookie(SESSION_COOKIE, COOKIE_OPTIONS);
    return reply.redirect('/console/login', 303);
  });
}
