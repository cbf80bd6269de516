/** `edoc-hub audit verify [--file EXPORT] [--ca ca.pem]`: checks the exchange log's hash chain and signed checkpoints. */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CliCommand, CliIo } from '../command.js';
import { loadConfig } from '../../config/config.js';
import { openDb } from '../../store/open-db.js';
import { verifyAuditDatabase } from '../../audit/verify-database.js';
import { verifyAuditExport } from '../../audit/verify-export.js';
import { HubError } from '../../shared/hub-error.js';

const help = `Usage: edoc-hub audit verify [--file EXPORT] [--ca CA.pem] [--threads N]

Checks the exchange log: every entry's SHA-256 is recomputed from its
canonical content and the previous entry's hash, sequence numbers must run
without gaps, and every signed checkpoint must carry a valid signature by a
certificate issued by the CA and match the entry at its position.

Without --file it reads the hub's database (DATABASE_URL, or the embedded
database under EDOC_DATA_DIR). With --file it checks an export made by
\`edoc-hub audit export\` or GET /v1/audit/export (NDJSON or CSV): an auditor
needs nothing but that file and the hub's CA certificate.

Prints one JSON report:
  {"ok":true,"entries":N,"checkpoints":N,"redacted":N,"firstSeq":"1",
   "lastSeq":"N","signedThrough":"N"}
or, on failure, "ok":false and "firstFailure":{"seq":"…","reason":"…"} naming
the first sequence number that does not verify.

On PostgreSQL a long log is checked in windows of 50,000 entries by worker
threads, one per core by default; the first failing seq is the same.

Options:
  --file EXPORT   verify an export file instead of the database
  --ca CA.pem     the hub's CA certificate (default: <EDOC_CERTS_DIR>/ca.pem)
  --threads N     worker threads for the database check (default: CPU count)
  -h, --help      show this help

Exit status: 0 the log verifies, 1 it does not (or cannot be read), 2 usage error.

Examples:
  edoc-hub audit verify
  edoc-hub audit verify --file audit-2026-01.ndjson --ca hub-ca.pem
`;

async function run(args: string[], io: CliIo): Promise<number> {
  let values: { file?: string; ca?: string; threads?: string };
  let threads: number | undefined;
  try {
    ({ values } = parseArgs({ args, options: { file: { type: 'string' }, ca: { type: 'string' }, threads: { type: 'string' } }, strict: true, allowPositionals: false }));
    if (values.threads !== undefined) {
      threads = Number(values.threads);
      if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new Error(`--threads must be an integer from 1 to 64, got "${values.threads}"`);
    }
  } catch (e) {
    io.stderr.write(`edoc-hub audit verify: ${(e as Error).message}\n\n${help}`);
    return 2;
  }
  const config = loadConfig(io.env);
  const caPath = values.ca ? path.resolve(io.cwd, values.ca) : path.join(config.certsDir, 'ca.pem');
  const caCertPem = await readFile(caPath, 'utf8').catch((e: unknown) => {
    throw new HubError('audit.no_ca', `cannot read the CA certificate ${caPath} (give it with --ca)`, { cause: e });
  });
  let report: object & { ok: boolean };
  if (values.file) {
    const file = path.resolve(io.cwd, values.file);
    const input = createReadStream(file);
    const opened = new Promise<void>((resolve, reject) => {
      input.once('readable', () => resolve());
      input.once('error', (e) => reject(new HubError('audit.bad_export', `cannot read ${file}: ${e.message}`, { cause: e })));
    });
    await opened;
    const { header: _header, ...r } = await verifyAuditExport(input, { caCertPem });
    report = r;
  } else {
    const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      report = await verifyAuditDatabase(db, { caCertPem, databaseUrl: config.databaseUrl, ...(threads ? { threads } : {}) });
    } finally {
      await db.close();
    }
  }
  io.stdout.write(`${JSON.stringify(report)}\n`);
  return report.ok ? 0 : 1;
}

const command: CliCommand = { name: 'audit verify', summary: 'Verify the exchange log (database or export file) and its signed checkpoints', help, run };
export default command;
