/**
 * The agency side of the API for the CLI: HTTPS with the agency's dev
 * certificate (certs-dev/agencies/<OrganId>/), URL from --url or EDOC_HUB_URL.
 */
import https from 'node:https';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { HubError } from '../shared/hub-error.js';
import { devPkiLayout } from '../pki/dev-pki-layout.js';

export const DEFAULT_HUB_URL = 'https://127.0.0.1:8443';

export interface HubClientOptions {
  url: string;
  certsDir: string;
  /** OrganId whose certificate is presented. */
  as: string;
}

export interface HubAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export function hubClientOptions(values: { url?: string; as?: string; 'certs-dir'?: string }, env: Record<string, string | undefined>, cwd: string): HubClientOptions {
  if (!values.as) throw new HubError('cli.missing_option', '--as ORGANID is required (whose certificate to present)');
  return {
    url: values.url ?? env.EDOC_HUB_URL ?? DEFAULT_HUB_URL,
    certsDir: path.resolve(cwd, values['certs-dir'] ?? env.EDOC_CERTS_DIR ?? 'certs-dev'),
    as: values.as,
  };
}

export async function callHub(o: HubClientOptions, method: string, pathname: string, body?: Buffer, contentType?: string): Promise<HubAnswer> {
  const l = devPkiLayout(o.certsDir);
  const certFile = l.agencyCert(o.as);
  if (!existsSync(certFile)) {
    throw new HubError('cli.no_certificate', `no certificate for ${o.as} at ${certFile}; run \`edoc-hub certs init\` or pass --certs-dir`);
  }
  const tls = { ca: readFileSync(l.caCert), cert: readFileSync(certFile), key: readFileSync(l.agencyKey(o.as)) };
  const url = new URL(pathname, o.url);
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      { method, ...tls, headers: body ? { 'content-type': contentType ?? 'application/xml', 'content-length': String(body.length) } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', (e) =>
      reject(new HubError('cli.hub_unreachable', `cannot reach the hub at ${o.url}: ${e.message} (start it with \`edoc-hub start\` or set --url/EDOC_HUB_URL)`, { cause: e })),
    );
    req.end(body);
  });
}
