/** The HubError `fn` throws; anything else (or nothing) is rethrown / reported as a test failure. */
import { isHubError, type HubError } from '../../../src/shared/hub-error.js';

export function errorOf(fn: () => unknown): HubError {
  try {
    fn();
  } catch (e) {
    if (isHubError(e)) return e;
    throw new Error(`expected a HubError, got ${String(e)}`, { cause: e });
  }
  throw new Error('expected a HubError, nothing was thrown');
}
