/**
 * Maps every error to the API's error body `{ error: { code, message, line?, column?, element?, organId? } }`.
 * HubErrors keep their code and status; Fastify's own refusals get stable codes too.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { HubError, isHubError } from '../shared/hub-error.js';

const FASTIFY_CODES: Record<string, { code: string; status: number; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'exchange.too_large', status: 413, message: 'the message is larger than the hub accepts' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'http.unsupported_media_type',
    status: 415,
    message: 'send the edXML bytes with Content-Type application/xml (or text/xml, application/octet-stream)',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'http.invalid_request', status: 400, message: 'the JSON body is empty' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'http.invalid_request', status: 400, message: 'Content-Length does not match the body' },
};

/** Connection-level failures of PostgreSQL (refused, reset, shut down, too many clients). */
function isDatabaseUnavailable(err: Error & { code?: unknown }): boolean {
  const code = typeof err.code === 'string' ? err.code : '';
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P02', '57P03', '53300'].includes(code) || code.startsWith('08');
}

/**
 * PostgreSQL's data exceptions (SQLSTATE class 22): a value the request carried that the
 * database cannot store or compare — a NUL character in text (22021), a number beyond
 * bigint (22003), a date it cannot read (22007/22008). The statement failed, so nothing changed.
 */
function isDataException(err: Error & { code?: unknown }): boolean {
  return typeof err.code === 'string' && /^22[0-9A-Z]{3}$/.test(err.code) && 'severity' in err;
}

export function toHubError(err: FastifyError | Error): HubError {
  if (isHubError(err)) return err;
  if (isDatabaseUnavailable(err)) {
    return new HubError('store.unavailable', 'the database is not available; nothing was stored, try again later', { status: 503, retryable: true });
  }
  if (isDataException(err)) {
    return new HubError('http.invalid_value', `a value in the request cannot be stored or compared (${err.message}); nothing was changed`, { status: 400 });
  }
  const fe = err as FastifyError;
  const known = fe.code ? FASTIFY_CODES[fe.code] : undefined;
  if (known) return new HubError(known.code, known.message, { status: known.status });
  if (fe.validation) return new HubError('http.invalid_request', `invalid request: ${fe.message}`, { status: 400 });
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new HubError('http.invalid_request', fe.message, { status: fe.statusCode });
  }
  return new HubError('internal', 'internal error; the hub has logged it', { status: 500, retryable: true });
}

export function errorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const e = toHubError(err);
  if (e.status >= 500) req.log.error({ err }, 'request failed');
  if (e.retryable) void reply.header('retry-after', '30');
  void reply.status(e.status).send({ error: e.toJSON() });
}
