/** `edoc-hub inspect FILE [--json]`: reads one edXML file and says what it is, or why it is refused. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CliCommand, CliIo } from '../command.js';
import { readEdxml } from '../../edxml/read-edxml.js';
import { DEFAULT_PARSE_LIMITS, type EdxmlMessage, type ParseLimits } from '../../edxml/types.js';
import { HubError, isHubError } from '../../shared/hub-error.js';

const BUSINESS_NAMES = ['new', 'recall', 'update', 'replacement'] as const;
const STATUS_NAMES: Record<string, string> = {
  '01': 'arrived at the receiver',
  '02': 'refused by the receiver',
  '03': 'accepted and registered',
  '04': 'assigned to a handler',
  '05': 'being processed',
  '06': 'completed',
  '13': 'sender asks to recall/update',
  '15': 'receiver agrees to the recall/update',
  '16': 'receiver refuses the recall/update',
};

const help = `Usage: edoc-hub inspect FILE [--json] [--max-bytes N] [--max-depth N]

Reads an edXML message (QCVN 102:2016) and prints what it contains: kind
(document or status), sender, recipients, document id, status code, business
type, attachments (size and SHA-256 of the decoded bytes), signatures and any
oddities tolerated. A refused message prints the error code, what is wrong and
the line/column of the fault. Nothing is stored or sent.

Options:
  --json           print one JSON object on one line:
                   {"ok":true,"kind":"edoc"|"status","from":"…","to":["…"],
                    "documentId":"…","statusCode":"05"|null,
                    "businessDocType":0|1|2|3|null,"attachments":N,…}
                   or {"ok":false,"error":{"code":"…","message":"…","line":N,"column":N}}
  --max-bytes N    refuse files larger than N bytes (default ${DEFAULT_PARSE_LIMITS.maxBytes})
  --max-depth N    refuse element nesting deeper than N (default ${DEFAULT_PARSE_LIMITS.maxDepth})
  -h, --help       show this help

Exit status: 0 accepted, 1 refused or unreadable, 2 usage error.

Examples:
  edoc-hub inspect ../shared/corpus/real/vpcp-sdk-status.edxml
  edoc-hub inspect message.edxml --json --max-bytes 10485760
`;

/** The one-line JSON summary `inspect --json` prints for an accepted message. */
export function inspectSummary(m: EdxmlMessage): Record<string, unknown> {
  const base = {
    ok: true,
    kind: m.kind,
    from: m.from.organId,
    to: m.to,
    documentId: m.documentId,
    statusCode: m.kind === 'status' ? m.statusCode : null,
    businessDocType: m.business ? m.business.businessDocType : null,
    attachments: m.attachments.length,
  };
  const extra =
    m.kind === 'edoc'
      ? {
          subject: m.subject ?? null,
          code: m.code ? [m.code.codeNumber, m.code.codeNotation].filter(Boolean).join('/') : null,
          promulgationDate: m.promulgationInfo?.promulgationDate ?? null,
        }
      : { description: m.description ?? null, timestamp: m.timestamp ?? null, timestampIso: m.timestampIso ?? null };
  return {
    ...base,
    ...extra,
    attachmentList: m.attachments.map((a) => ({
      contentId: a.contentId,
      name: a.attachmentName ?? null,
      contentType: a.contentType ?? null,
      size: a.size,
      sha256: a.sha256,
    })),
    signatures: m.signatures.map((s) => ({ namespace: s.namespace, parentPath: s.parentPath, line: s.line })),
    warnings: m.warnings,
  };
}

function humanSummary(file: string, m: EdxmlMessage): string {
  const org = (id: string, name?: string): string => (name ? `${id} (${name})` : id);
  const lines: string[] = [];
  lines.push(`${file}: accepted — ${m.kind === 'edoc' ? 'document (edoc)' : 'status message'}`);
  lines.push(`  From:         ${org(m.from.organId, m.from.organName)}`);
  if (m.kind === 'edoc') {
    lines.push(`  To:           ${m.toOrganizations.map((o) => org(o.organId, o.organName)).join(', ')}`);
    lines.push(`  DocumentId:   ${m.documentId}`);
    if (m.code) lines.push(`  Code:         ${[m.code.codeNumber, m.code.codeNotation].filter(Boolean).join('/')}`);
    if (m.promulgationInfo?.promulgationDate) lines.push(`  Promulgated:  ${m.promulgationInfo.promulgationDate}${m.promulgationInfo.place ? `, ${m.promulgationInfo.place}` : ''}`);
    if (m.subject) lines.push(`  Subject:      ${m.subject}`);
    if (m.signerInfo?.fullName) lines.push(`  Signed by:    ${[m.signerInfo.fullName, m.signerInfo.position].filter(Boolean).join(', ')}`);
    const reason = m.business?.businessDocReason ? ` — ${m.business.businessDocReason}` : '';
    lines.push(`  Business:     ${m.businessDocType} ${BUSINESS_NAMES[m.businessDocType]}${m.business?.present ? '' : ' (not stated)'}${reason}`);
    for (const r of m.business?.replacementInfoList ?? []) lines.push(`    replaces ${r.documentId ?? '?'} for ${r.organIdList.join(', ') || '?'}`);
  } else {
    lines.push(`  To:           ${m.to.join(', ')}`);
    lines.push(`  About:        ${m.documentId}`);
    lines.push(`  Status:       ${m.statusCode} ${STATUS_NAMES[m.statusCode] ?? ''}`);
    if (m.description) lines.push(`  Description:  ${m.description}`);
    if (m.timestamp) lines.push(`  Time:         ${m.timestamp}${m.timestampIso ? ` (${m.timestampIso})` : ''}`);
  }
  lines.push(`  Attachments:  ${m.attachments.length}`);
  for (const a of m.attachments) {
    lines.push(`    - ${a.attachmentName ?? a.contentId}  ${a.contentType ?? ''}  ${a.size.toLocaleString('en-US')} bytes  sha256 ${a.sha256}`);
  }
  lines.push(`  Signatures:   ${m.signatures.length === 0 ? 'none (unsigned: for reference only)' : m.signatures.map((s) => `${s.parentPath}, line ${s.line}`).join('; ')}`);
  if (m.signatures.length > 0) lines.push('                (present, not verified by inspect)');
  if (m.warnings.length > 0) {
    lines.push(`  Warnings:`);
    for (const w of m.warnings) lines.push(`    - ${w}`);
  }
  return `${lines.join('\n')}\n`;
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^[1-9][0-9]*$/.test(value)) throw new HubError('cli.bad_option', `${name} must be a positive integer, got "${value}"`);
  return Number(value);
}

async function run(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false }, 'max-bytes': { type: 'string' }, 'max-depth': { type: 'string' } },
    });
  } catch (e) {
    io.stderr.write(`edoc-hub inspect: ${(e as Error).message}\n\n${help}`);
    return 2;
  }
  const json = parsed.values.json === true;
  const file = parsed.positionals[0];
  if (file === undefined || parsed.positionals.length > 1) {
    io.stderr.write(`edoc-hub inspect: give exactly one FILE\n\n${help}`);
    return 2;
  }
  const refuse = (e: HubError): number => {
    if (json) io.stdout.write(`${JSON.stringify({ ok: false, error: e.toJSON() })}\n`);
    else io.stdout.write(`${file}: refused [${e.code}]\n  ${e.message}\n`);
    return 1;
  };
  let limits: ParseLimits;
  try {
    limits = {
      maxBytes: positiveInt('--max-bytes', parsed.values['max-bytes'], DEFAULT_PARSE_LIMITS.maxBytes),
      maxDepth: positiveInt('--max-depth', parsed.values['max-depth'], DEFAULT_PARSE_LIMITS.maxDepth),
    };
  } catch (e) {
    if (!isHubError(e)) throw e;
    io.stderr.write(`edoc-hub inspect: ${e.message}\n`);
    return 2;
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(resolve(io.cwd, file));
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    return refuse(new HubError('cli.file_unreadable', `Cannot read ${file}: ${reason}`));
  }
  try {
    const message = readEdxml(bytes, limits);
    io.stdout.write(json ? `${JSON.stringify(inspectSummary(message))}\n` : humanSummary(file, message));
    return 0;
  } catch (e) {
    if (isHubError(e)) return refuse(e);
    throw e;
  }
}

const inspect: CliCommand = { name: 'inspect', summary: 'Read an edXML file and show what it contains or why it is refused', help, run };
export default inspect;
