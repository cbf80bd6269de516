/** The console over plain HTTPS (no browser): sign in as a user of a role, then GET pages and POST forms with the session. */
import { httpsRequest, tlsOf, type HttpAnswer, type TestHub } from '../../helpers/test-hub.js';
import { addUser, PASSWORD } from './console-users.js';
import type { ConsoleRole } from '../../../src/store/user-repo.js';

export interface ConsoleClient {
  cookie: string;
  csrf: string;
  get(path: string): Promise<HttpAnswer>;
  post(path: string, form: Record<string, string>): Promise<HttpAnswer>;
}

function cookiesOf(r: HttpAnswer): Record<string, string> {
  const out: Record<string, string> = {};
  const set = r.headers['set-cookie'];
  for (const c of Array.isArray(set) ? set : set ? [set] : []) {
    const [kv] = c.split(';');
    const i = kv!.indexOf('=');
    out[kv!.slice(0, i)] = kv!.slice(i + 1);
  }
  return out;
}

export async function consoleSignIn(hub: TestHub, username: string, role: ConsoleRole, organId: string | null): Promise<ConsoleClient> {
  await addUser(hub.hub.services.db, username, role, organId);
  const tls = tlsOf(null);
  const page = await httpsRequest(`${hub.url}/console/login`, tls, 'GET');
  const loginCsrf = cookiesOf(page).edoc_login_csrf!;
  const form = new URLSearchParams({ _csrf: loginCsrf, username, password: PASSWORD }).toString();
  const r = await httpsRequest(`${hub.url}/console/login`, tls, 'POST', form, {
    'content-type': 'application/x-www-form-urlencoded',
    cookie: `edoc_login_csrf=${loginCsrf}`,
  });
  const session = cookiesOf(r).edoc_session;
  if (!session) throw new Error(`sign-in failed: ${r.status} ${r.body.toString()}`);
  const cookie = `edoc_session=${session}`;
  // The CSRF token is in any page's forms (the logout form).
  const home = await httpsRequest(`${hub.url}${r.headers.location as string}`, tls, 'GET', undefined, { cookie });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(home.body.toString())?.[1] ?? '';
  return {
    cookie,
    csrf,
    get: (path) => httpsRequest(`${hub.url}${path}`, tls, 'GET', undefined, { cookie }),
    post: (path, f) =>
      httpsRequest(`${hub.url}${path}`, tls, 'POST', new URLSearchParams(f).toString(), { cookie, 'content-type': 'application/x-www-form-urlencoded' }),
  };
}
