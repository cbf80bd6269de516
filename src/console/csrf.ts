/** The CSRF check of state-changing console forms: the posted `_csrf` must equal the session's token. */
import type { FastifyRequest } from 'fastify';
import { HubError } from '../shared/hub-error.js';
import { sameToken, type ConsoleSession } from './console-sessions.js';

/** The posted form fields as strings. */
export function formFields(req: FastifyRequest): Record<string, string | undefined> {
  const body = req.body;
  const out: Record<string, string | undefined> = {};
  if (body && typeof body === 'object') {
    for (const [k, v] of Object.entries(body)) {
      const first = Array.isArray(v) ? (v[0] as unknown) : v;
      if (typeof first === 'string') out[k] = first;
    }
  }
  return out;
}

/** Throws `console.csrf` (403) unless the form carries the session's token. */
export function checkCsrf(req: FastifyRequest, session: ConsoleSession): Record<string, string | undefined> {
  const fields = formFields(req);
  if (!sameToken(fields._csrf, session.csrfToken)) {
    throw new HubError('console.csrf', 'the form is missing its CSRF token or the token does not belong to this session', { status: 403 });
  }
  return fields;
}
