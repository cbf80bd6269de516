/** `edoc-hub sign FILE --as ORGANID`: signs (or re-signs) an edXML message with an agency's dev key. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CliCommand } from '../command.js';
import { devPkiLayout, resolveCertsDir } from '../../pki/dev-pki-layout.js';
import { SIGNATURE_METHODS_BY_NAME, type SignatureAlgorithmName } from '../../pki/xmldsig/algorithms.js';
import { signEdxml } from '../../pki/xmldsig/sign-edxml.js';
import { HubError } from '../../shared/hub-error.js';

const help = `Usage: edoc-hub sign FILE --as ORGANID [--out FILE] [--c14n exclusive|inclusive] [--alg ALG]

Signs an edXML message with an enveloped XML signature (or replaces the one it
has): a ds:Signature appended to edXMLHeader, covering the whole document
(URI=""), with the signer's certificate in KeyInfo and a signing time.
The key is certs-dev/agencies/<ORGANID>/key.pem unless --key/--cert are given.

Options:
  --as ORGANID          the signing agency
  --out FILE            write the signed message there (default: standard output)
  --c14n KIND           exclusive (default) or inclusive canonicalization
  --alg ALG             rsa-sha256 (default for RSA keys), rsa-sha384, rsa-sha512,
                        rsa-sha1 (legacy), ecdsa-sha256 (default for EC keys),
                        ecdsa-sha384, ecdsa-sha512
  --key FILE            private key PEM (default: the agency's dev key)
  --cert FILE           certificate PEM (default: the agency's dev certificate)
  --no-signing-time     leave the signing time out
  --certs-dir DIR       the certs folder (default: $EDOC_CERTS_DIR or ./certs-dev)
  -h, --help            show this help

Exit status: 0 signed, 1 error, 2 usage error.

Examples:
  edoc-hub sign message.edxml --as 000.00.00.G22 --out signed.edxml
  edoc-hub sign message.edxml --as G11.07.05 --c14n inclusive --alg rsa-sha512 > signed.edxml
`;

const command: CliCommand = {
  name: 'sign',
  summary: "Sign (or re-sign) an edXML file with an agency's dev key",
  help,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        as: { type: 'string' },
        out: { type: 'string' },
        c14n: { type: 'string', default: 'exclusive' },
        alg: { type: 'string' },
        key: { type: 'string' },
        cert: { type: 'string' },
        'no-signing-time': { type: 'boolean', default: false },
        'certs-dir': { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
    const file = positionals[0];
    if (!file || positionals.length > 1 || !values.as) {
      io.stderr.write('edoc-hub sign: give one FILE and --as ORGANID (see --help)\n');
      return 2;
    }
    if (values.c14n !== 'exclusive' && values.c14n !== 'inclusive') {
      io.stderr.write(`edoc-hub sign: --c14n must be exclusive or inclusive, got "${values.c14n}"\n`);
      return 2;
    }
    if (values.alg !== undefined && !SIGNATURE_METHODS_BY_NAME.has(values.alg)) {
      io.stderr.write(`edoc-hub sign: unknown --alg "${values.alg}" (${[...SIGNATURE_METHODS_BY_NAME.keys()].join(', ')})\n`);
      return 2;
    }
    const l = devPkiLayout(resolveCertsDir(values['certs-dir'], io.env, io.cwd));
    const read = (p: string, what: string): string => {
      try {
        return readFileSync(path.resolve(io.cwd, p), 'utf8');
      } catch {
        throw new HubError('pki.key_unavailable', `Cannot read the ${what} ${p} (run \`edoc-hub certs init\` or give --key/--cert)`);
      }
    };
    const keyPem = read(values.key ?? l.agencyKey(values.as), 'private key');
    const certPem = read(values.cert ?? l.agencyCert(values.as), 'certificate');
    const signed = signEdxml(readFileSync(path.resolve(io.cwd, file)), {
      keyPem,
      certPem,
      c14n: values.c14n,
      ...(values.alg ? { algorithm: values.alg as SignatureAlgorithmName } : {}),
      ...(values['no-signing-time'] ? {} : { signingTime: new Date() }),
    });
    if (values.out) {
      writeFileSync(path.resolve(io.cwd, values.out), signed);
      io.stderr.write(`signed as ${values.as} → ${values.out}\n`);
    } else {
      io.stdout.write(signed);
    }
    return 0;
  },
};
export default command;
