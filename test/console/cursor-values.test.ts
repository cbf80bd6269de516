/**
 * The console's list cursors accepted 19 digits, more than PostgreSQL's
 * bigint holds: /console/sent, /console/received (`before`) and
 * /console/audit (`after`, base64url of such digits) answered 500.
 */
import t from 'tap';
import { startTestHub } from '../helpers/test-hub.js';
import { consoleSignIn } from './helpers/console-client.js';

t.test('console cursors beyond bigint are not a 500', async (t) => {
  const hub = await startTestHub();
  t.teardown(() => hub.close());
  const clerk = await consoleSignIn(hub, 'vanthu.g22', 'clerk', '000.00.00.G22');
  const auditor = await consoleSignIn(hub, 'kiemtoan', 'auditor', null);
  const big = '9999999999999999999';
  for (const [who, path] of [
    [clerk, `/console/sent?before=${big}`],
    [clerk, `/console/received?before=${big}`],
    [auditor, `/console/audit?after=${Buffer.from(big).toString('base64url')}`],
  ] as const) {
    const r = await who.get(path);
    t.ok(r.status < 500, `${path}: ${r.status}`);
  }
});
