/** `edoc-hub receipt verify FILE`: checks a signed receipt offline against the hub's CA certificate. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CliCommand } from '../command.js';
import { devPkiLayout, resolveCertsDir } from '../../pki/dev-pki-layout.js';
import { verifyReceipt } from '../../pki/receipts/receipt.js';

const help = `Usage: edoc-hub receipt verify FILE [--ca ca.pem]

Verifies a submission or delivery receipt downloaded from the hub (an S/MIME
multipart/signed file: the receipt JSON and a detached CMS signature by the
hub's signing certificate) offline, against the hub's CA certificate alone.
Prints {"ok":true,"content":{…},"signer":{…}} or {"ok":false,"code":"…","reason":"…"}.

The same check with standard tools:
  openssl cms -verify -in receipt.eml -CAfile ca.pem -purpose any

Options:
  --ca FILE          the hub's CA certificate (default: <certs-dir>/ca.pem)
  --certs-dir DIR    the certs folder (default: $EDOC_CERTS_DIR or ./certs-dev)
  -h, --help         show this help

Exit status: 0 only when the receipt is valid; 1 otherwise; 2 usage error.

Examples:
  edoc-hub receipt verify receipt.eml
  edoc-hub receipt verify receipt.eml --ca hub-ca.pem
`;

const command: CliCommand = {
  name: 'receipt verify',
  summary: 'Verify a signed receipt offline (exit 0 only when valid)',
  help,
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, options: { ca: { type: 'string' }, 'certs-dir': { type: 'string' } }, allowPositionals: true, strict: true });
    const file = positionals[0];
    if (!file || positionals.length > 1) {
      io.stderr.write('edoc-hub receipt verify: give exactly one FILE (see --help)\n');
      return 2;
    }
    const caFile = values.ca ? path.resolve(io.cwd, values.ca) : devPkiLayout(resolveCertsDir(values['certs-dir'], io.env, io.cwd)).caCert;
    let caPem: string;
    try {
      caPem = readFileSync(caFile, 'utf8');
    } catch {
      io.stderr.write(`edoc-hub receipt verify: cannot read the CA certificate ${caFile}\n`);
      return 1;
    }
    const result = verifyReceipt(readFileSync(path.resolve(io.cwd, file)), caPem);
    io.stdout.write(`${JSON.stringify(result)}\n`);
    return result.ok ? 0 : 1;
  },
};
export default command;
