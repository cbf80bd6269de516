import t from 'tap';
import { HubError, isHubError } from '../../src/shared/hub-error.js';

t.test('HubError carries code, status and location into JSON', async (t) => {
  const e = new HubError('edxml.undeclared_prefix', 'prefix "xlink" is not declared', { line: 116, column: 9, element: 'Reference' });
  t.ok(isHubError(e));
  t.equal(e.status, 400);
  t.equal(e.retryable, false);
  t.same(e.toJSON(), { code: 'edxml.undeclared_prefix', message: 'prefix "xlink" is not declared', line: 116, column: 9, element: 'Reference' });
  t.notOk(isHubError(new Error('x')));
});
