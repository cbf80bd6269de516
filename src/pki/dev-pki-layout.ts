/** Where the dev PKI keeps its files under the certs folder (see certs-dev/README.md). */
import path from 'node:path';
import { HubError } from '../shared/hub-error.js';

/** Paths of the dev PKI files. */
export interface DevPkiLayout {
  dir: string;
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  signingCert: string;
  signingKey: string;
  clientCert: string;
  clientKey: string;
  trustDir: string;
  trustCa: string;
  crlDir: string;
  /** The CRL the dev CA issues (`certs revoke` rewrites it). */
  caCrl: string;
  agencyDir(organId: string): string;
  /** `cert.pem`/`key.pem` for index 1, `cert-2.pem`/`key-2.pem` … for rotations. */
  agencyCert(organId: string, index?: number): string;
  agencyKey(organId: string, index?: number): string;
  auditorCert(name: string): string;
  auditorKey(name: string): string;
}

/** The file layout under `certsDir`. */
export function devPkiLayout(certsDir: string): DevPkiLayout {
  const dir = path.resolve(certsDir);
  const suffix = (i = 1): string => (i === 1 ? '' : `-${i}`);
  return {
    dir,
    caCert: path.join(dir, 'ca.pem'),
    caKey: path.join(dir, 'ca.key.pem'),
    serverCert: path.join(dir, 'hub', 'server.pem'),
    serverKey: path.join(dir, 'hub', 'server.key.pem'),
    signingCert: path.join(dir, 'hub', 'signing.pem'),
    signingKey: path.join(dir, 'hub', 'signing.key.pem'),
    clientCert: path.join(dir, 'hub', 'client.pem'),
    clientKey: path.join(dir, 'hub', 'client.key.pem'),
    trustDir: path.join(dir, 'trust'),
    trustCa: path.join(dir, 'trust', 'ca.pem'),
    crlDir: path.join(dir, 'crl'),
    caCrl: path.join(dir, 'crl', 'ca.crl.pem'),
    agencyDir: (id) => path.join(dir, 'agencies', safeSegment(id)),
    agencyCert: (id, i) => path.join(dir, 'agencies', safeSegment(id), `cert${suffix(i)}.pem`),
    agencyKey: (id, i) => path.join(dir, 'agencies', safeSegment(id), `key${suffix(i)}.pem`),
    auditorCert: (name) => path.join(dir, 'auditors', safeSegment(name), 'cert.pem'),
    auditorKey: (name) => path.join(dir, 'auditors', safeSegment(name), 'key.pem'),
  };
}

/** OrganIds are used as folder names: refuse anything that could leave the folder. */
function safeSegment(s: string): string {
  if (s === '' || s === '.' || s === '..' || /[/\\\0]/.test(s)) throw new HubError('pki.bad_name', `Not usable as a folder name: "${s}"`);
  return s;
}

/** The certs folder: `--certs-dir`, else `EDOC_CERTS_DIR`, else `./certs-dev` (relative to cwd). */
export function resolveCertsDir(flag: string | undefined, env: Record<string, string | undefined>, cwd: string): string {
  return path.resolve(cwd, flag ?? env.EDOC_CERTS_DIR ?? 'certs-dev');
}
