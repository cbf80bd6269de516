/**
 * The lines of an export file (docs/audit.md, "Export format"): a header, the
 * checkpoints covering the range, then every chain entry of the range in seq
 * order — in full when the export selects it, as a digest otherwise.
 */
import type { AuditCheckpoint, AuditRecord } from './audit-record.js';
import { canonicalJson } from './canonical-json.js';

export const EXPORT_KIND = 'edoc-hub-audit-export';
export const EXPORT_VERSION = 1;

export type ExportFormat = 'ndjson' | 'csv';

export interface ExportHeader {
  kind: typeof EXPORT_KIND;
  version: number;
  generatedAt: string;
  filter: Record<string, unknown>;
  /** Seq range of the entries that follow (null when the range is empty). */
  fromSeq: string | null;
  toSeq: string | null;
  /** How many entries and checkpoints follow. */
  entries: number;
  checkpoints: number;
}

export type ExportLine =
  | ({ kind: 'checkpoint' } & AuditCheckpoint)
  | { kind: 'entry'; seq: string; prevHash: string; hash: string; record: AuditRecord }
  | { kind: 'redacted'; seq: string; prevHash: string; hash: string; digest: string };

/** CSV columns, in order. `organs` and `data` are canonical JSON; an empty field is null. */
export const CSV_COLUMNS = [
  'kind',
  'seq',
  'prev_hash',
  'hash',
  'digest',
  'event_id',
  'at',
  'type',
  'actor',
  'organs',
  'message_id',
  'delivery_id',
  'document_id',
  'data',
  'algorithm',
  'signature',
  'certificate_pem',
] as const;

function csvField(v: string | null): string {
  if (v === null) return '';
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** One CSV row (RFC 4180, CRLF-terminated) for a line. */
export function csvRow(line: ExportLine): string {
  const cols: Record<(typeof CSV_COLUMNS)[number], string | null> = {
    kind: line.kind,
    seq: line.seq,
    prev_hash: null,
    hash: line.hash,
    digest: null,
    event_id: null,
    at: null,
    type: null,
    actor: null,
    organs: null,
    message_id: null,
    delivery_id: null,
    document_id: null,
    data: null,
    algorithm: null,
    signature: null,
    certificate_pem: null,
  };
  if (line.kind === 'checkpoint') {
    Object.assign(cols, { at: line.at, algorithm: line.algorithm, signature: line.signature, certificate_pem: line.certificatePem });
  } else if (line.kind === 'redacted') {
    Object.assign(cols, { prev_hash: line.prevHash, digest: line.digest });
  } else {
    const r = line.record;
    Object.assign(cols, {
      prev_hash: line.prevHash,
      event_id: r.eventId,
      at: r.at,
      type: r.type,
      actor: r.actor,
      organs: canonicalJson(r.organs),
      message_id: r.messageId,
      delivery_id: r.deliveryId,
      document_id: r.documentId,
      data: canonicalJson(r.data),
    });
  }
  return `${CSV_COLUMNS.map((c) => csvField(cols[c])).join(',')}\r\n`;
}
