import t from 'tap';
import { toHubError } from '../../src/http/error-handler.js';
import { HubError } from '../../src/shared/hub-error.js';

t.test('errors map to stable codes and statuses', async (t) => {
  const own = new HubError('edxml.empty', 'empty', { status: 400 });
  t.equal(toHubError(own), own, 'HubErrors pass through');
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  t.match(toHubError(refused), { code: 'store.unavailable', status: 503, retryable: true });
  const shutdown = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
  t.match(toHubError(shutdown), { code: 'store.unavailable', status: 503 });
  const tooLarge = Object.assign(new Error('Request body is too large'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 });
  t.match(toHubError(tooLarge), { code: 'exchange.too_large', status: 413 });
  const media = Object.assign(new Error('Unsupported Media Type'), { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 });
  t.match(toHubError(media), { code: 'http.unsupported_media_type', status: 415 });
  const nul = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021', severity: 'ERROR' });
  t.match(toHubError(nul), { code: 'http.invalid_value', status: 400 }, "PostgreSQL's refusal of a value the request carried");
  const notPg = Object.assign(new Error('some library error'), { code: '22021' });
  t.match(toHubError(notPg), { code: 'internal', status: 500 }, 'only a database error counts as one');
  const bug = toHubError(new TypeError('x is undefined'));
  t.match(bug, { code: 'internal', status: 500 });
  t.notMatch(bug.message, /undefined/, 'internal details stay in the log');
});
