/** Reads a MANIFEST.tsv (corpus format) and compares a parsed message with one of its rows. */
import { readFileSync } from 'node:fs';

export interface ManifestRow {
  file: string;
  expect: 'accept' | 'reject';
  kind: string;
  from: string;
  to: string[];
  statusCode: string | null;
  /** null for `-` (absent, meaning new). */
  businessDocType: number | null;
  attachments: number;
  documentId: string;
  rejectLine: number | null;
}

export function readManifest(dir: URL): ManifestRow[] {
  const lines = readFileSync(new URL('MANIFEST.tsv', dir), 'utf8').split('\n').filter((l) => l.trim() !== '');
  const header = lines[0]!.split('\t');
  return lines.slice(1).map((line) => {
    const cells = line.split('\t');
    const get = (name: string): string => cells[header.indexOf(name)] ?? '-';
    return {
      file: get('file'),
      expect: get('expect') === 'reject' ? 'reject' : 'accept',
      kind: get('kind'),
      from: get('from'),
      to: get('to') === '-' ? [] : get('to').split(','),
      statusCode: get('status_code') === '-' ? null : get('status_code'),
      businessDocType: get('business_doc_type') === '-' ? null : Number(get('business_doc_type')),
      attachments: get('attachments') === '-' ? 0 : Number(get('attachments')),
      documentId: get('document_id'),
      rejectLine: get('reject_line') === '-' ? null : Number(get('reject_line')),
    };
  });
}

/** The manifest's view of an `inspect --json` summary (`-` business type = null or 0). */
export function manifestView(s: { kind: unknown; from: unknown; to: unknown; statusCode: unknown; businessDocType: unknown; attachments: unknown; documentId: unknown }): unknown {
  return {
    kind: s.kind,
    from: s.from,
    to: s.to,
    statusCode: s.statusCode,
    businessDocType: s.businessDocType,
    attachments: s.attachments,
    documentId: s.documentId,
  };
}

export function expectedView(row: ManifestRow, actualBusinessDocType: unknown): unknown {
  return {
    kind: row.kind,
    from: row.from,
    to: row.to,
    statusCode: row.statusCode,
    // `-` means absent: the reader may say null (no Bussiness) or 0 (Bussiness without a type).
    businessDocType: row.businessDocType === null && (actualBusinessDocType === 0 || actualBusinessDocType === null) ? actualBusinessDocType : row.businessDocType,
    attachments: row.attachments,
    documentId: row.documentId,
  };
}
