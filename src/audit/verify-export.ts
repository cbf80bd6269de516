/**
 * Verifies an export file (NDJSON or CSV, detected from the first byte) with
 * only the CA certificate: reads the header and the checkpoints at its head,
 * then streams the entries through the chain verifier, and checks that the
 * file is what its header announces (range, counts, and which entries its
 * filter shows in full).
 *
 * A file that is not an export at all is refused (`audit.bad_export`);
 * anything wrong inside an export is a failure of the report, naming a seq.
 */
import readline from 'node:readline';
import { Readable } from 'node:stream';
import type { AuditCheckpoint, AuditRecord, ChainEntry } from './audit-record.js';
import { canonicalJson } from './canonical-json.js';
import { csvRows } from './csv-rows.js';
import { CSV_COLUMNS, EXPORT_KIND, EXPORT_VERSION, type ExportHeader } from './export-format.js';
import { filterOfHeader, selectsEverything, selectsRecord } from './export-selection.js';
import { seqNumber, verifyAuditChain, type VerifyReport } from './verify-chain.js';
import { HubError } from '../shared/hub-error.js';

/** One line (NDJSON) or row (CSV) of the file: its value, or why it is not a line the exporter writes. */
interface Line {
  /** The parsed line; null when it cannot be read at all. */
  value: Record<string, unknown> | null;
  /** Why the line is not as the exporter writes it (the value is then not to be trusted). */
  problem: string | null;
}

type Column = (typeof CSV_COLUMNS)[number];

function parseJsonLine(text: string, what: string): Line {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { value: null, problem: `${what} is not a JSON object` };
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return { value: null, problem: `${what} is not a JSON object` };
  const value = v as Record<string, unknown>;
  // The exporter writes every line with JSON.stringify. JSON.parse keeps the last of duplicate
  // members and reads 1e400 as Infinity: a line that is not its value's re-serialisation
  // carries text the verifier did not read (which another reader may show).
  if (JSON.stringify(value) !== text) {
    return { value, problem: `${what} is not as the exporter writes it (a duplicate member, a number no double holds, or reformatted text)` };
  }
  return { value, problem: null };
}

async function* ndjsonLines(input: Readable): AsyncGenerator<Line> {
  let n = 0;
  for await (const text of readline.createInterface({ input, crlfDelay: Infinity })) {
    n += 1;
    if (text.trim() === '') continue;
    yield parseJsonLine(text, `line ${n}`);
  }
}

/** Columns each kind of CSV row fills; the others must be empty (text no hash or signature covers). */
const CSV_USED: Record<string, ReadonlySet<Column>> = {
  header: new Set<Column>(['kind', 'seq', 'at', 'data']),
  checkpoint: new Set<Column>(['kind', 'seq', 'hash', 'at', 'algorithm', 'signature', 'certificate_pem']),
  redacted: new Set<Column>(['kind', 'seq', 'prev_hash', 'hash', 'digest']),
  entry: new Set<Column>(['kind', 'seq', 'prev_hash', 'hash', 'event_id', 'at', 'type', 'actor', 'organs', 'message_id', 'delivery_id', 'document_id', 'data']),
};

/** `text` is canonical JSON (as the exporter writes `organs` and `data`): its value, or undefined. */
function canonicalValue(text: string): unknown {
  try {
    const v: unknown = JSON.parse(text);
    return canonicalJson(v) === text ? v : undefined;
  } catch {
    return undefined;
  }
}

async function* csvLines(first: string, input: AsyncIterable<string>): AsyncGenerator<Line> {
  async function* all(): AsyncGenerator<string> {
    yield first;
    yield* input;
  }
  let n = 0;
  const nul = (s: string): string | null => (s === '' ? null : s);
  for await (const cells of csvRows(all())) {
    n += 1;
    if (n === 1) {
      if (cells.join(',') !== CSV_COLUMNS.join(',')) throw new HubError('audit.bad_export', 'the CSV header row is not the export column list');
      continue;
    }
    if (cells.length === 1 && cells[0] === '') continue;
    const what = `CSV row ${n}`;
    if (cells.length !== CSV_COLUMNS.length) {
      yield { value: null, problem: `${what} has ${cells.length} fields` };
      continue;
    }
    const c = Object.fromEntries(CSV_COLUMNS.map((k, i) => [k, cells[i]!])) as Record<Column, string>;
    const used = CSV_USED[c.kind];
    if (!used) {
      yield { value: null, problem: `${what} has an unknown kind` };
      continue;
    }
    const extra = CSV_COLUMNS.find((k) => !used.has(k) && c[k] !== '');
    let line: Line;
    switch (c.kind) {
      case 'header': {
        line = parseJsonLine(c.data, `${what} (the export header)`);
        const h = line.value;
        if (line.problem === null && h && (c.seq !== (typeof h.fromSeq === 'string' ? h.fromSeq : '') || c.at !== h.generatedAt)) {
          line = { value: h, problem: `${what}: its seq and at columns differ from the header it carries` };
        }
        break;
      }
      case 'checkpoint':
        line = {
          value: { kind: 'checkpoint', seq: c.seq, hash: c.hash, at: c.at, algorithm: c.algorithm, signature: c.signature, certificatePem: c.certificate_pem },
          problem: null,
        };
        break;
      case 'redacted':
        line = { value: { kind: 'redacted', seq: c.seq, prevHash: c.prev_hash, hash: c.hash, digest: c.digest }, problem: null };
        break;
      default: {
        const organs = canonicalValue(c.organs);
        const data = canonicalValue(c.data);
        const record = {
          seq: c.seq,
          eventId: c.event_id,
          at: c.at,
          type: c.type,
          actor: c.actor,
          organs,
          messageId: nul(c.message_id),
          deliveryId: nul(c.delivery_id),
          documentId: nul(c.document_id),
          data,
        };
        line = {
          value: { kind: 'entry', seq: c.seq, prevHash: c.prev_hash, hash: c.hash, record },
          problem: organs === undefined || data === undefined ? `${what}: its organs or data column is not canonical JSON` : null,
        };
      }
    }
    if (line.problem === null && extra !== undefined) line = { value: line.value, problem: `${what} has a ${extra} column, which a ${c.kind} row does not have` };
    yield line;
  }
}

const str = (v: unknown): v is string => typeof v === 'string';
const strOrNull = (v: unknown): boolean => v === null || typeof v === 'string';
const RECORD_KEYS = 'actor,at,data,deliveryId,documentId,eventId,messageId,organs,seq,type';
const CHECKPOINT_KEYS = 'algorithm,at,certificatePem,hash,kind,seq,signature';
const HEADER_KEYS = 'checkpoints,entries,filter,fromSeq,generatedAt,kind,toSeq,version';

/** Exactly the ten members of a record, with their types: anything else would be text the hash does not cover. */
function isRecord(v: unknown): v is AuditRecord {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const r = v as Record<string, unknown>;
  return (
    Object.keys(r).sort().join(',') === RECORD_KEYS &&
    str(r.seq) &&
    str(r.eventId) &&
    str(r.at) &&
    str(r.type) &&
    str(r.actor) &&
    Array.isArray(r.organs) &&
    r.organs.every(str) &&
    strOrNull(r.messageId) &&
    strOrNull(r.deliveryId) &&
    strOrNull(r.documentId) &&
    !!r.data &&
    typeof r.data === 'object' &&
    !Array.isArray(r.data)
  );
}

function toEntry(l: Record<string, unknown>): ChainEntry | null {
  if (seqNumber(l.seq) === null || !str(l.seq) || !str(l.prevHash) || !str(l.hash)) return null;
  if (l.kind === 'redacted' && str(l.digest) && Object.keys(l).length === 5) return { seq: l.seq, prevHash: l.prevHash, hash: l.hash, digest: l.digest };
  if (l.kind === 'entry' && isRecord(l.record) && Object.keys(l).length === 5) return { seq: l.seq, prevHash: l.prevHash, hash: l.hash, record: l.record };
  return null;
}

/** A checkpoint line's checkpoint, or why it is not one. */
function toCheckpoint(l: Record<string, unknown>): AuditCheckpoint | string {
  for (const k of ['seq', 'hash', 'at', 'algorithm', 'signature', 'certificatePem']) {
    if (!str(l[k])) return `the checkpoint line has no ${k}`;
  }
  if (Object.keys(l).sort().join(',') !== CHECKPOINT_KEYS) return 'the checkpoint line has members a checkpoint does not have';
  return l as unknown as AuditCheckpoint;
}

interface ParsedHeader {
  header: ExportHeader;
  /** Whether an entry is one the export shows in full; null when its filter selects every entry. */
  selects: ((r: AuditRecord) => boolean) | null;
}

/** The header with the filter it states, or why it is not an export header of this version. */
function parseHeader(h: Record<string, unknown>): ParsedHeader | string {
  if (h.version !== EXPORT_VERSION) return `the export header has version ${JSON.stringify(h.version) ?? 'none'}; this verifier reads version ${EXPORT_VERSION}`;
  if (Object.keys(h).sort().join(',') !== HEADER_KEYS) return 'the export header does not have exactly the members of a header';
  if (!str(h.generatedAt)) return 'the export header has no generatedAt';
  const range = (v: unknown): boolean => v === null || seqNumber(v) !== null;
  if (!range(h.fromSeq) || !range(h.toSeq) || (h.fromSeq === null) !== (h.toSeq === null)) return 'the export header has no valid fromSeq and toSeq';
  const count = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  if (!count(h.entries) || !count(h.checkpoints)) return 'the export header has no valid entries and checkpoints counts';
  const f = filterOfHeader(h.filter);
  if (typeof f === 'string') return f;
  return { header: h as unknown as ExportHeader, selects: selectsEverything(f.organ, f.filter) ? null : selectsRecord(f.organ, f.filter) };
}

interface Failure {
  /** null: the start of the file (a problem that names no entry). */
  seq: bigint | null;
  reason: string;
}

/** Verifies an export read from `input`. The report's `firstFailure` names the first bad seq. */
export async function verifyAuditExport(input: Readable, opts: { caCertPem: string }): Promise<VerifyReport & { header?: ExportHeader }> {
  input.setEncoding('utf8');
  const it = input[Symbol.asyncIterator]() as AsyncIterator<string>;
  const first = await it.next();
  if (first.done) throw new HubError('audit.bad_export', 'the export file is empty');
  const rest: AsyncIterable<string> = { [Symbol.asyncIterator]: () => it };
  let lines: AsyncGenerator<Line>;
  if (first.value.trimStart().startsWith('{')) {
    const head = first.value;
    lines = ndjsonLines(
      Readable.from(
        (async function* () {
          yield head;
          yield* rest;
        })(),
      ),
    );
  } else {
    lines = csvLines(first.value, rest);
  }

  const problems: Failure[] = [];
  const h = await lines.next();
  if (h.done || !h.value.value || h.value.value.kind !== EXPORT_KIND) throw new HubError('audit.bad_export', 'the file is not an edoc-hub audit export');
  const parsed = h.value.problem ?? parseHeader(h.value.value);
  if (typeof parsed === 'string') problems.push({ seq: null, reason: parsed });
  const header = typeof parsed === 'string' ? undefined : parsed.header;
  const selects = typeof parsed === 'string' ? null : parsed.selects;

  const checkpoints: AuditCheckpoint[] = [];
  let checkpointLines = 0;
  let pending: Line | undefined;
  for (;;) {
    const n = await lines.next();
    if (n.done) break;
    const l = n.value;
    if (l.value?.kind !== 'checkpoint') {
      pending = l;
      break;
    }
    checkpointLines += 1;
    const seq = seqNumber(l.value.seq);
    const cp = l.problem ?? (seq === null ? `a checkpoint line has the seq ${JSON.stringify(l.value.seq) ?? 'none'}` : toCheckpoint(l.value));
    if (typeof cp === 'string') problems.push({ seq, reason: cp });
    else checkpoints.push(cp);
  }

  let lastSeq: bigint | null = null;
  let lineError: { seq: bigint; reason: string } | null = null;
  const next = (): bigint => (lastSeq === null ? (seqNumber(header?.fromSeq) ?? 1n) : lastSeq + 1n);
  // The first line that is not as the exporter writes it ends the check: it names the next seq.
  const fail = (reason: string): void => {
    lineError = { seq: next(), reason };
  };
  async function* entries(): AsyncGenerator<ChainEntry> {
    let l = pending;
    while (l) {
      if (l.problem !== null) return fail(l.problem);
      const e = l.value ? toEntry(l.value) : null;
      if (!e) return fail(`an entry line after seq ${lastSeq ?? 'start'} is malformed`);
      if (e.digest !== undefined && header && selects === null) {
        return fail("the entry is shown only as a digest, but the export's filter selects every entry");
      }
      if (e.record && selects !== null && !selects(e.record)) return fail("the entry is shown in full, but the export's filter does not select it");
      lastSeq = seqNumber(e.seq);
      yield e;
      const n = await lines.next();
      l = n.done ? undefined : n.value;
    }
  }

  const report = await verifyAuditChain(entries(), checkpoints, { caCertPem: opts.caCertPem });
  report.checkpoints = checkpointLines;
  const failures: Failure[] = [];
  const chainFailure = report.firstFailure ? { seq: BigInt(report.firstFailure.seq), reason: report.firstFailure.reason } : null;
  const lineFailure = lineError as { seq: bigint; reason: string } | null;
  // The chain saw only the entries before a bad line: its failures from there on (say, a
  // checkpoint past its last entry) are that line's consequence.
  if (chainFailure && !(lineFailure && chainFailure.seq >= lineFailure.seq)) failures.push(chainFailure);
  if (lineFailure) failures.push(lineFailure);
  failures.push(...problems);
  if (failures.length === 0 && header) failures.push(...headerDisagreements(header, report, checkpointLines, next()));
  if (failures.length === 0) return header ? { ...report, header } : report;

  const start = seqNumber(report.firstSeq) ?? seqNumber(header?.fromSeq) ?? 1n;
  const named = failures.map((f) => ({ seq: f.seq ?? start, reason: f.reason }));
  const f = named.reduce((a, b) => (b.seq < a.seq ? b : a));
  const out: VerifyReport & { header?: ExportHeader } = { ...report, ok: false, firstFailure: { seq: f.seq.toString(), reason: f.reason } };
  if (header) out.header = header;
  return out;
}

/** Where the file is not what its header announces: an unsigned header still must not contradict the file. */
function headerDisagreements(header: ExportHeader, report: VerifyReport, checkpointLines: number, after: bigint): Failure[] {
  const from = seqNumber(header.fromSeq);
  const to = seqNumber(header.toSeq);
  const first = seqNumber(report.firstSeq);
  const last = seqNumber(report.lastSeq);
  if (from !== first) {
    const seq = from === null ? first : first === null ? from : from < first ? from : first;
    return [{ seq, reason: `the export announces entries from seq ${header.fromSeq ?? 'none'}, the file's first is ${report.firstSeq ?? 'none'}` }];
  }
  if (to !== last) {
    const seq = last === null ? from : to === null ? last : last < to ? last + 1n : to + 1n;
    return [{ seq, reason: `the export announces entries up to seq ${header.toSeq ?? 'none'}, the file's last is ${report.lastSeq ?? 'none'}` }];
  }
  if (report.entries !== header.entries) {
    return [{ seq: after, reason: `the export announces ${header.entries} entries, ${report.entries} found` }];
  }
  if (checkpointLines !== header.checkpoints) {
    const signed = seqNumber(report.signedThrough);
    return [{ seq: signed === null ? first : signed + 1n, reason: `the export announces ${header.checkpoints} checkpoints, ${checkpointLines} found` }];
  }
  return [];
}
