/** `edoc-hub certs list`: the certificates of the dev PKI with their identities and revocation state. */
import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CliCommand } from '../command.js';
import { devPkiLayout, resolveCertsDir } from '../../pki/dev-pki-layout.js';
import { identityOfCertificate } from '../../pki/identity-of-certificate.js';
import { createTrustStore } from '../../pki/trust-store.js';

const help = `Usage: edoc-hub certs list [--certs-dir DIR] [--json]

Lists every certificate under the certs folder: file, subject, OrganIds (or
auditor), serial number, expiry, SHA-256 fingerprint (for pinning in the
directory) and whether the CRL folder revokes it.

Options:
  --certs-dir DIR  the certs folder (default: $EDOC_CERTS_DIR or ./certs-dev)
  --json           one JSON array instead of a table
  -h, --help       show this help

Examples:
  edoc-hub certs list
  edoc-hub certs list --json | jq '.[] | select(.revoked)'
`;

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.pem') && !name.includes('key') && !p.includes(`${path.sep}crl${path.sep}`)) out.push(p);
  }
  return out;
}

const command: CliCommand = {
  name: 'certs list',
  summary: 'List the dev PKI certificates (subject, OrganIds, serial, expiry, revoked?)',
  help,
  async run(args, io) {
    const { values } = parseArgs({ args, options: { 'certs-dir': { type: 'string' }, json: { type: 'boolean', default: false } }, strict: true });
    const l = devPkiLayout(resolveCertsDir(values['certs-dir'], io.env, io.cwd));
    if (!existsSync(l.dir)) {
      io.stderr.write(`edoc-hub certs list: ${l.dir} does not exist (run \`edoc-hub certs init\`)\n`);
      return 1;
    }
    const trust = createTrustStore({ trustDir: l.trustDir, crlDir: l.crlDir });
    const rows = walk(l.dir).map((file) => {
      const cert = new X509Certificate(readFileSync(file));
      const id = identityOfCertificate(cert);
      return {
        file: path.relative(l.dir, file),
        subject: cert.subject.split('\n').join(', '),
        organIds: id.organIds,
        ...(id.auditor ? { auditor: id.auditor } : {}),
        serial: cert.serialNumber,
        notAfter: new Date(cert.validTo).toISOString(),
        fingerprint256: cert.fingerprint256,
        revoked: trust.isRevoked(cert),
      };
    });
    if (values.json) {
      io.stdout.write(`${JSON.stringify(rows)}\n`);
      return 0;
    }
    for (const r of rows) {
      io.stdout.write(
        `${r.file}\n  subject   ${r.subject}\n  identity  ${r.auditor ? `auditor ${r.auditor}` : r.organIds.join(', ')}\n  serial    ${r.serial}\n  notAfter  ${r.notAfter}${r.revoked ? '\n  REVOKED' : ''}\n  sha256    ${r.fingerprint256}\n`,
      );
    }
    return 0;
  },
};
export default command;
