/**
 * Verifies an export file (NDJSON or CSV, detected from the first byte) with
 * only the CA certificate: reads the checkpoints at its head, then streams the
 * entries through the chain verifier.
 */
import readline from 'node:readline';
import { Readable } from 'node:stream';
import type { AuditCheckpoint, AuditRecord, ChainEntry } from './audit-record.js';
import { csvRows } from './csv-rows.js';
import { CSV_COLUMNS, EXPORT_KIND, type ExportHeader, type ExportLine } from './export-format.js';
import { verifyAuditChain, type VerifyReport } from './verify-chain.js';
import { HubError } from '../shared/hub-error.js';

class BadLine extends Error {}

function parseJsonLine(text: string, n: number): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new BadLine(`line ${n} is not a JSON object`);
}

async function* ndjsonLines(input: Readable): AsyncGenerator<Record<string, unknown>> {
  let n = 0;
  for await (const text of readline.createInterface({ input, crlfDelay: Infinity })) {
    n += 1;
    if (text.trim() === '') continue;
    yield parseJsonLine(text, n);
  }
}

async function* csvLines(first: string, input: AsyncIterable<string>): AsyncGenerator<Record<string, unknown>> {
  async function* all(): AsyncGenerator<string> {
    yield first;
    yield* input;
  }
  let n = 0;
  const nul = (s: string | undefined): string | null => (s === undefined || s === '' ? null : s);
  for await (const cells of csvRows(all())) {
    n += 1;
    if (n === 1) {
      if (cells.join(',') !== CSV_COLUMNS.join(',')) throw new BadLine('the CSV header row is not the export column list');
      continue;
    }
    if (cells.length === 1 && cells[0] === '') continue;
    if (cells.length !== CSV_COLUMNS.length) throw new BadLine(`CSV row ${n} has ${cells.length} fields`);
    const c = Object.fromEntries(CSV_COLUMNS.map((k, i) => [k, cells[i]!])) as Record<(typeof CSV_COLUMNS)[number], string>;
    try {
      switch (c.kind) {
        case 'header':
          yield parseJsonLine(c.data, n);
          break;
        case 'checkpoint':
          yield { kind: 'checkpoint', seq: c.seq, hash: c.hash, at: c.at, algorithm: c.algorithm, signature: c.signature, certificatePem: c.certificate_pem };
          break;
        case 'redacted':
          yield { kind: 'redacted', seq: c.seq, prevHash: c.prev_hash, hash: c.hash, digest: c.digest };
          break;
        case 'entry': {
          const record: AuditRecord = {
            seq: c.seq,
            eventId: c.event_id,
            at: c.at,
            type: c.type,
            actor: c.actor,
            organs: JSON.parse(c.organs) as string[],
            messageId: nul(c.message_id),
            deliveryId: nul(c.delivery_id),
            documentId: nul(c.document_id),
            data: JSON.parse(c.data) as Record<string, unknown>,
          };
          yield { kind: 'entry', seq: c.seq, prevHash: c.prev_hash, hash: c.hash, record };
          break;
        }
        default:
          throw new BadLine(`CSV row ${n} has an unknown kind`);
      }
    } catch (e) {
      if (e instanceof BadLine) throw e;
      throw new BadLine(`CSV row ${n} is malformed`);
    }
  }
}

const str = (v: unknown): v is string => typeof v === 'string';
const strOrNull = (v: unknown): boolean => v === null || typeof v === 'string';
const RECORD_KEYS = 'actor,at,data,deliveryId,documentId,eventId,messageId,organs,seq,type';

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
  if (!str(l.seq) || !str(l.prevHash) || !str(l.hash)) return null;
  if (l.kind === 'redacted' && str(l.digest)) return { seq: l.seq, prevHash: l.prevHash, hash: l.hash, digest: l.digest };
  if (l.kind === 'entry' && isRecord(l.record)) return { seq: l.seq, prevHash: l.prevHash, hash: l.hash, record: l.record };
  return null;
}

/** Verifies an export read from `input`. The report's `firstFailure` names the first bad seq. */
export async function verifyAuditExport(input: Readable, opts: { caCertPem: string }): Promise<VerifyReport & { header?: ExportHeader }> {
  input.setEncoding('utf8');
  const it = input[Symbol.asyncIterator]() as AsyncIterator<string>;
  const first = await it.next();
  if (first.done) throw new HubError('audit.bad_export', 'the export file is empty');
  const rest: AsyncIterable<string> = { [Symbol.asyncIterator]: () => it };
  let lines: AsyncGenerator<Record<string, unknown>>;
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

  let header: ExportHeader | undefined;
  const checkpoints: AuditCheckpoint[] = [];
  let pending: Record<string, unknown> | undefined;
  let lastSeq: bigint | null = null;
  let lineError: string | null = null;
  try {
    const h = await lines.next();
    if (h.done || h.value.kind !== EXPORT_KIND) throw new HubError('audit.bad_export', 'the file is not an edoc-hub audit export');
    header = h.value as unknown as ExportHeader;
    for (;;) {
      const n = await lines.next();
      if (n.done) break;
      if (n.value.kind !== 'checkpoint') {
        pending = n.value;
        break;
      }
      checkpoints.push(n.value as unknown as ExportLine & AuditCheckpoint);
    }
  } catch (e) {
    if (e instanceof BadLine) throw new HubError('audit.bad_export', e.message);
    throw e;
  }

  async function* entries(): AsyncGenerator<ChainEntry> {
    try {
      let l = pending;
      while (l) {
        const e = toEntry(l);
        if (!e) throw new BadLine(`an entry line after seq ${lastSeq ?? 'start'} is malformed`);
        lastSeq = BigInt(e.seq);
        yield e;
        const n = await lines.next();
        l = n.done ? undefined : n.value;
      }
    } catch (e) {
      if (!(e instanceof BadLine)) throw e;
      lineError = e.message;
    }
  }

  const report = await verifyAuditChain(entries(), checkpoints, { caCertPem: opts.caCertPem });
  const next = (): string => (lastSeq === null ? (header?.fromSeq ?? '1') : (lastSeq + 1n).toString());
  if (report.ok && lineError !== null) {
    return { ...report, ok: false, firstFailure: { seq: next(), reason: lineError }, header };
  }
  if (report.ok && header && report.entries !== header.entries) {
    return { ...report, ok: false, firstFailure: { seq: next(), reason: `the export announces ${header.entries} entries, ${report.entries} found` }, header };
  }
  return header ? { ...report, header } : report;
}
