/** `edoc-hub audit export`: streams the exchange log (with its checkpoints) to a file or stdout. */
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import type { CliCommand, CliIo } from '../command.js';
import { loadConfig } from '../../config/config.js';
import { openDb } from '../../store/open-db.js';
import { exportAuditEvents } from '../../audit/export-events.js';
import type { AuditFilter } from '../../audit/audit-viewer.js';
import { isAuditEventType } from '../../audit/event-types.js';

const help = `Usage: edoc-hub audit export [--format ndjson|csv] [--organ ID] [--from TIME] [--to TIME]
                           [--document-id ID] [--message-id ID] [--type TYPE]... [--out FILE]

Exports the exchange log as an auditor: the chain entries of the selected
range, in order, and the signed checkpoints that cover it, so that
\`edoc-hub audit verify --file FILE --ca CA.pem\` can prove it unaltered with
only the hub's CA certificate. Entries in the range that the filter does not
select appear only as their digest (docs/audit.md). The export is itself
recorded in the log (audit.exported). Reads DATABASE_URL, or the embedded
database under EDOC_DATA_DIR.

Options:
  --format F        ndjson (default) or csv
  --organ ID        events concerning this agency (sender or recipient)
  --from TIME       events at or after this ISO 8601 time (e.g. 2026-01-01T00:00:00+07:00)
  --to TIME         events before this time
  --document-id ID  events of this DocumentId
  --message-id ID   events of this hub message id
  --type TYPE       event type, e.g. message.accepted (repeat for several)
  --out FILE        write to FILE instead of stdout
  --auditor NAME    name recorded as the exporting auditor (default: the OS user)
  -h, --help        show this help

Exit status: 0 written, 1 error, 2 usage error.

Examples:
  edoc-hub audit export --out audit.ndjson
  edoc-hub audit export --organ 000.00.00.H41 --from 2026-01-01T00:00:00Z --format csv --out h41.csv
`;

function usage(io: CliIo, msg: string): number {
  io.stderr.write(`edoc-hub audit export: ${msg}\n\n${help}`);
  return 2;
}

function parseTime(s: string | undefined): Date | undefined | null {
  if (s === undefined) return undefined;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}

async function run(args: string[], io: CliIo): Promise<number> {
  let values: Record<string, string | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        format: { type: 'string', default: 'ndjson' },
        organ: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        'document-id': { type: 'string' },
        'message-id': { type: 'string' },
        type: { type: 'string', multiple: true },
        out: { type: 'string' },
        auditor: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    return usage(io, (e as Error).message);
  }
  const format = values.format;
  if (format !== 'ndjson' && format !== 'csv') return usage(io, '--format must be ndjson or csv');
  const filter: AuditFilter = {};
  const from = parseTime(values.from as string | undefined);
  const to = parseTime(values.to as string | undefined);
  if (from === null || to === null) return usage(io, '--from/--to must be ISO 8601 times');
  if (from) filter.from = from;
  if (to) filter.to = to;
  if (typeof values.organ === 'string') filter.organId = values.organ;
  if (typeof values['document-id'] === 'string') filter.documentId = values['document-id'];
  if (typeof values['message-id'] === 'string') filter.messageId = values['message-id'];
  const types = (values.type as string[] | undefined) ?? [];
  const unknown = types.find((t) => !isAuditEventType(t));
  if (unknown !== undefined) return usage(io, `unknown event type "${unknown}"`);
  if (types.length > 0) filter.type = types;

  const config = loadConfig(io.env);
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const name = typeof values.auditor === 'string' ? values.auditor : `cli:${userInfo().username}`;
    const chunks = exportAuditEvents(db, { kind: 'auditor', name }, filter, { format });
    if (typeof values.out === 'string') {
      await pipeline(Readable.from(chunks), createWriteStream(path.resolve(io.cwd, values.out)));
    } else {
      for await (const chunk of chunks) {
        if (!io.stdout.write(chunk)) await once(io.stdout, 'drain');
      }
    }
  } finally {
    await db.close();
  }
  return 0;
}

const command: CliCommand = { name: 'audit export', summary: 'Export the exchange log with its signed checkpoints (NDJSON or CSV)', help, run };
export default command;
