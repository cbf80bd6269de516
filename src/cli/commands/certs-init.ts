/** `edoc-hub certs init`: creates (or completes) the development PKI. */
import { parseArgs } from 'node:util';
import path from 'node:path';
import type { CliCommand } from '../command.js';
import { DEMO_DIRECTORY_FILE, loadDirectoryFile } from '../../directory/load-directory-file.js';
import { initDevPki, type DevPkiAgency } from '../../pki/dev-pki.js';
import { resolveCertsDir } from '../../pki/dev-pki-layout.js';

const help = `Usage: edoc-hub certs init [--force] [--certs-dir DIR] [--directory FILE] [--organ ID]...

Creates the development PKI (never for production): a CA (RSA 3072), the hub's
TLS server certificate (localhost, 127.0.0.1, ::1), TLS client certificate and
ECDSA P-256 signing certificate (receipts, checkpoints, status messages), one
RSA 2048 certificate per agency of the directory (CN = OrganId, SAN URI
urn:edoc-hub:organ:<OrganId>; usable for mTLS and XML signatures), one per
auditor, the trust-store folder and an empty CRL. Only missing files are
written, so re-running is fast; private keys are mode 0600.

Options:
  --force            regenerate everything, including the CA
  --certs-dir DIR    where to write (default: $EDOC_CERTS_DIR or ./certs-dev)
  --directory FILE   agency directory (JSON/YAML; default: $EDOC_DIRECTORY_FILE
                     or the bundled demo directory)
  --organ ID         also issue for this OrganId (repeatable)
  --no-directory     issue only for the --organ ids
  -h, --help         show this help

Exit status: 0 done, 1 error.

Examples:
  edoc-hub certs init
  edoc-hub certs init --organ 000.00.00.G22 --organ G11.07.05 --no-directory
  EDOC_CERTS_DIR=/tmp/pki edoc-hub certs init --force
`;

const command: CliCommand = {
  name: 'certs init',
  summary: 'Create the development PKI (CA, hub, agency and auditor certificates, CRL)',
  help,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        force: { type: 'boolean', default: false },
        'certs-dir': { type: 'string' },
        directory: { type: 'string' },
        organ: { type: 'string', multiple: true, default: [] },
        'no-directory': { type: 'boolean', default: false },
      },
      strict: true,
    });
    const certsDir = resolveCertsDir(values['certs-dir'], io.env, io.cwd);
    const agencies: DevPkiAgency[] = [];
    let auditors: string[] | undefined;
    if (!values['no-directory']) {
      const file = values.directory ? path.resolve(io.cwd, values.directory) : io.env.EDOC_DIRECTORY_FILE ? path.resolve(io.cwd, io.env.EDOC_DIRECTORY_FILE) : DEMO_DIRECTORY_FILE;
      const dir = await loadDirectoryFile(file);
      for (const a of dir.agencies) agencies.push({ organId: a.organId, name: a.name });
      if (dir.auditors.length > 0) auditors = dir.auditors.map((a) => a.name);
    }
    for (const id of values.organ) if (!agencies.some((a) => a.organId === id)) agencies.push({ organId: id });
    const started = Date.now();
    const r = initDevPki({ certsDir, agencies, force: values.force, ...(auditors ? { auditors } : {}) });
    for (const f of r.written) io.stdout.write(`wrote ${path.relative(io.cwd, f) || f}\n`);
    io.stdout.write(`${r.written.length === 0 ? 'nothing to do' : `${r.written.length} files written`} in ${certsDir} (${agencies.length} agencies, ${Date.now() - started} ms)\n`);
    return 0;
  },
};
export default command;
