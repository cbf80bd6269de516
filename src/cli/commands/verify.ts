/** `edoc-hub verify FILE`: checks an edXML message's signature and prints the verdict as JSON. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CliCommand } from '../command.js';
import { loadDirectoryFile } from '../../directory/load-directory-file.js';
import { readEdxmlDocument } from '../../edxml/read-edxml.js';
import { resolveCertsDir } from '../../pki/dev-pki-layout.js';
import { createTrustStore } from '../../pki/trust-store.js';
import { verifyEdxmlSignature } from '../../pki/xmldsig/verify-edxml-signature.js';

const help = `Usage: edoc-hub verify FILE [--as-of DATE] [--allow-sha1] [--pin SHA256]...

Reads an edXML message and checks its enveloped XML signature as the hub does:
one signature in edXMLHeader covering the whole document, allowed transforms
and algorithms only, a certificate that chains to the trust store, is valid
and not revoked, and belongs to the sender (From/OrganId). Prints the verdict
as one JSON line, e.g.
  {"file":"…","from":"000.00.00.G22","status":"valid","signer":{…}}
  {"file":"…","from":"…","status":"invalid","code":"pki.bad_digest","reason":"…"}
  {"file":"…","from":"…","status":"missing"}

Options:
  --as-of DATE       check certificate validity at this instant (ISO 8601) instead of now
  --allow-sha1       accept RSA-SHA1 / SHA-1 (legacy agency policy)
  --pin SHA256       accept this certificate fingerprint for the sender (repeatable)
  --directory FILE   take the sender's policy from this agency directory (JSON/YAML):
                     its pinned certificates, and SHA-1 when allowLegacyAlgorithms
  --trust-dir DIR    CA certificates (default: $EDOC_TRUST_DIR or <certs-dir>/trust)
  --crl-dir DIR      CRLs (default: $EDOC_CRL_DIR or <certs-dir>/crl)
  --certs-dir DIR    the certs folder (default: $EDOC_CERTS_DIR or ./certs-dev)
  -h, --help         show this help

Exit status: 0 only when the signature is valid; 1 invalid, missing or unreadable; 2 usage error.

Examples:
  edoc-hub verify signed.edxml
  edoc-hub verify old.edxml --as-of 2019-05-01T00:00:00Z --allow-sha1
`;

const command: CliCommand = {
  name: 'verify',
  summary: 'Verify the XML signature of an edXML file (prints the verdict as JSON)',
  help,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        'as-of': { type: 'string' },
        'allow-sha1': { type: 'boolean', default: false },
        pin: { type: 'string', multiple: true, default: [] },
        directory: { type: 'string' },
        'trust-dir': { type: 'string' },
        'crl-dir': { type: 'string' },
        'certs-dir': { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
    const file = positionals[0];
    if (!file || positionals.length > 1) {
      io.stderr.write('edoc-hub verify: give exactly one FILE (see --help)\n');
      return 2;
    }
    const now = values['as-of'] ? new Date(values['as-of']) : new Date();
    if (Number.isNaN(now.getTime())) {
      io.stderr.write(`edoc-hub verify: --as-of "${values['as-of']}" is not a date\n`);
      return 2;
    }
    const certsDir = resolveCertsDir(values['certs-dir'], io.env, io.cwd);
    const dirOf = (flag: string | undefined, env: string | undefined, sub: string): string => path.resolve(io.cwd, flag ?? env ?? path.join(certsDir, sub));
    const trust = createTrustStore({ trustDir: dirOf(values['trust-dir'], io.env.EDOC_TRUST_DIR, 'trust'), crlDir: dirOf(values['crl-dir'], io.env.EDOC_CRL_DIR, 'crl') });
    const { message, doc } = readEdxmlDocument(readFileSync(path.resolve(io.cwd, file)));
    const pins = [...values.pin];
    let allowSha1 = values['allow-sha1'];
    if (values.directory) {
      const agency = (await loadDirectoryFile(path.resolve(io.cwd, values.directory))).agencies.find((a) => a.organId === message.from.organId);
      if (agency) {
        pins.push(...agency.certificates);
        allowSha1 ||= agency.allowLegacyAlgorithms;
      }
    }
    const verdict = verifyEdxmlSignature(doc, message, { trust, expectedOrganId: message.from.organId, pinnedFingerprints: pins, allowSha1, now });
    io.stdout.write(`${JSON.stringify({ file, from: message.from.organId, ...verdict })}\n`);
    return verdict.status === 'valid' ? 0 : 1;
  },
};
export default command;
