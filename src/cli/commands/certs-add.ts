/** `edoc-hub certs add ORGANID`: issues an additional agency certificate (key rotation). */
import { X509Certificate } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CliCommand } from '../command.js';
import { loadDevCa, writePrivateKey } from '../../pki/dev-pki.js';
import { devPkiLayout, resolveCertsDir } from '../../pki/dev-pki-layout.js';
import { issuePartyCertificate } from '../../pki/issue-agency-certificate.js';

const help = `Usage: edoc-hub certs add ORGANID [--ecdsa] [--name NAME] [--certs-dir DIR]

Issues one more certificate for an agency from the dev CA, for a changeover:
the agency may hold two valid certificates while it rotates keys. Writes
agencies/<OrganId>/cert.pem/key.pem if the agency has none yet, else the next
free cert-2.pem/key-2.pem, cert-3.pem/key-3.pem, … and prints the new
certificate's path and SHA-256 fingerprint (to pin it in the directory).

Options:
  --ecdsa          an ECDSA P-256 key instead of RSA 2048
  --name NAME      organization name in the subject (default: the OrganId)
  --certs-dir DIR  the certs folder (default: $EDOC_CERTS_DIR or ./certs-dev)
  -h, --help       show this help

Examples:
  edoc-hub certs add 000.00.00.G22
  edoc-hub certs add G11.07.05 --ecdsa --name "Bộ Quốc phòng"
`;

const command: CliCommand = {
  name: 'certs add',
  summary: 'Issue an additional certificate for an agency (rotation)',
  help,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: { ecdsa: { type: 'boolean', default: false }, name: { type: 'string' }, 'certs-dir': { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    const organId = positionals[0];
    if (!organId || positionals.length > 1) {
      io.stderr.write('edoc-hub certs add: give exactly one ORGANID\n');
      return 2;
    }
    const certsDir = resolveCertsDir(values['certs-dir'], io.env, io.cwd);
    const l = devPkiLayout(certsDir);
    let index = 1;
    while (existsSync(l.agencyCert(organId, index))) index++;
    const cred = issuePartyCertificate({
      ca: loadDevCa(certsDir),
      profile: { kind: 'agency', organId, ...(values.name ? { name: values.name } : {}) },
      keyKind: values.ecdsa ? 'ec-p256' : 'rsa-2048',
    });
    writePrivateKey(l.agencyKey(organId, index), cred.keyPem);
    writeFileSync(l.agencyCert(organId, index), cred.certPem);
    const cert = new X509Certificate(cred.certPem);
    io.stdout.write(`${path.relative(io.cwd, l.agencyCert(organId, index))}\n  serial  ${cert.serialNumber}\n  sha256  ${cert.fingerprint256}\n`);
    return 0;
  },
};
export default command;
