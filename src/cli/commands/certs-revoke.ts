/** `edoc-hub certs revoke FILE|SERIAL`: adds a certificate to the dev CA's CRL. */
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CliCommand } from '../command.js';
import { normalizeSerial } from '../../pki/asn1/certificate-fields.js';
import { buildCrl, parseCrl, type RevokedEntry } from '../../pki/crl.js';
import { loadDevCa } from '../../pki/dev-pki.js';
import { devPkiLayout, resolveCertsDir } from '../../pki/dev-pki-layout.js';
import { HubError } from '../../shared/hub-error.js';

const help = `Usage: edoc-hub certs revoke FILE|SERIAL [--certs-dir DIR]

Revokes a certificate issued by the dev CA: re-signs crl/ca.crl.pem with the
certificate's serial number added. The hub's trust store re-reads the CRL
folder when it changes, so a running hub refuses the certificate at once.

Arguments:
  FILE     a certificate PEM file (its serial is taken)
  SERIAL   a serial number in hex, as \`certs list\` prints it

Options:
  --certs-dir DIR  the certs folder (default: $EDOC_CERTS_DIR or ./certs-dev)
  -h, --help       show this help

Examples:
  edoc-hub certs revoke certs-dev/agencies/000.00.00.G22/cert.pem
  edoc-hub certs revoke 3A94F0C2D1E5B6A7889900AABBCCDDEE
`;

const command: CliCommand = {
  name: 'certs revoke',
  summary: 'Revoke a certificate (adds it to the dev CA CRL)',
  help,
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, options: { 'certs-dir': { type: 'string' } }, allowPositionals: true, strict: true });
    const target = positionals[0];
    if (!target || positionals.length > 1) {
      io.stderr.write('edoc-hub certs revoke: give exactly one FILE or SERIAL\n');
      return 2;
    }
    const certsDir = resolveCertsDir(values['certs-dir'], io.env, io.cwd);
    const l = devPkiLayout(certsDir);
    const file = path.resolve(io.cwd, target);
    let serial: string;
    if (existsSync(file)) serial = new X509Certificate(readFileSync(file)).serialNumber;
    else if (/^[0-9a-fA-F:]+$/.test(target)) serial = target;
    else throw new HubError('pki.bad_serial', `"${target}" is neither a certificate file nor a hex serial`);
    const ca = loadDevCa(certsDir);
    const entries: RevokedEntry[] = [];
    if (existsSync(l.caCrl)) {
      for (const [s, at] of parseCrl(readFileSync(l.caCrl)).revoked) entries.push({ serial: s, revokedAt: at });
    }
    const norm = normalizeSerial(serial);
    if (entries.some((e) => e.serial === norm)) {
      io.stdout.write(`${norm} is already revoked\n`);
      return 0;
    }
    entries.push({ serial: norm, revokedAt: new Date() });
    // Seconds since the epoch: increases with every re-issue, as cRLNumber must.
    writeFileSync(l.caCrl, buildCrl({ issuerCertPem: ca.certPem, issuerKeyPem: ca.keyPem, revoked: entries, crlNumber: Math.floor(Date.now() / 1000) }));
    io.stdout.write(`revoked ${norm}; ${path.relative(io.cwd, l.caCrl)} now lists ${entries.length} certificate(s)\n`);
    return 0;
  },
};
export default command;
