/**
 * /v1/audit/events and /v1/audit/export answered 500 for query values that pass
 * the route schema but that the handler cannot use:
 *  - an `after` cursor that decodes to 19 digits (over PostgreSQL's bigint),
 *  - a `from`/`to` that ajv's date-time accepts but `new Date()` cannot read
 *    (a leap second, a "+07" offset without minutes) or PostgreSQL cannot store (year 0).
 * Bad input must be a 400 with a stable code.
 */
import t from 'tap';
import { startTestHub } from '../helpers/test-hub.js';

const G22 = '000.00.00.G22';
const AUDITOR = 'auditor:auditor-1';

t.test('audit queries with malformed values are 400, not 500', async (t) => {
  const hub = await startTestHub();
  t.teardown(() => hub.close());
  const cursor19 = Buffer.from('9999999999999999999').toString('base64url');
  t.match(cursor19, /^[A-Za-z0-9_-]{1,40}$/, 'the cursor passes the route schema');
  const cases: [string, string][] = [
    [AUDITOR, `/v1/audit/events?after=${cursor19}`],
    [G22, `/v1/audit/events?after=${cursor19}`],
    [G22, '/v1/audit/events?from=2026-12-31T23:59:60Z'],
    [G22, '/v1/audit/events?from=2026-01-01T00:00:00%2B07'],
    [G22, '/v1/audit/events?to=0000-01-01T00:00:00Z'],
    [AUDITOR, '/v1/audit/export?from=2026-01-01T00:00:00%2B07'],
    [AUDITOR, '/v1/audit/export?to=2026-12-31T23:59:60Z'],
  ];
  for (const [as, path] of cases) {
    const r = await hub.request(as, 'GET', path);
    t.equal(r.status, 400, `${as} ${path}: ${r.body.toString().slice(0, 200)}`);
    t.notMatch(r.json<{ error: { code: string } }>().error?.code ?? '', /^internal$/, `${path}: a stable client-error code`);
  }
});
