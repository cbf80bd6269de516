/**
 * Streams an export of the log: the chain entries of a seq range and the
 * checkpoints covering it, so `audit verify --file` can check it with only
 * the CA certificate. Entries the export does not select (other agencies'
 * events, other types or times) appear as digests, which keeps the chain
 * verifiable without revealing them. Nothing is buffered beyond one batch.
 */
import type { Queryable } from '../store/db.js';
import { appendAuditEvent } from './append-event.js';
import { checkFilter, effectiveOrgan, viewerActor, type AuditFilter, type AuditViewer } from './audit-viewer.js';
import { recordDigest } from './chain-hash.js';
import { csvRow, CSV_COLUMNS, EXPORT_KIND, EXPORT_VERSION, type ExportFormat, type ExportHeader, type ExportLine } from './export-format.js';
import { describeFilter } from './query-events.js';
import { readChain, readCheckpoints } from './read-chain.js';
import { HubError } from '../shared/hub-error.js';
import { aboutDocumentSql, aboutMessageSql } from './sql-fragments.js';
import { selectsRecord } from './export-selection.js';

/** Seq bounds of the chained events the filter selects; null when none. */
async function selectedRange(q: Queryable, organ: string | undefined, f: AuditFilter): Promise<{ lo: string; hi: string } | null> {
  const params: unknown[] = [];
  const p = (v: unknown): string => {
    params.push(v);
    return `$${params.length}`;
  };
  const where: string[] = [];
  if (organ !== undefined) where.push(`${p(organ)} = ANY(e.organs)`);
  if (f.documentId !== undefined) where.push(aboutDocumentSql(p(f.documentId)));
  if (f.messageId !== undefined) where.push(aboutMessageSql(p(f.messageId)));
  if (f.type !== undefined && f.type.length > 0) where.push(`e.type = ANY(${p(f.type)}::text[])`);
  if (f.from !== undefined) where.push(`e.at >= ${p(f.from.toISOString())}`);
  if (f.to !== undefined) where.push(`e.at < ${p(f.to.toISOString())}`);
  if (where.length === 0) {
    // Everything: the chain's own bounds, no join.
    const all = await q.query<{ lo: string | null; hi: string | null }>('SELECT min(seq) AS lo, max(seq) AS hi FROM audit_chain');
    const b = all.rows[0];
    return b?.lo && b.hi ? { lo: b.lo, hi: b.hi } : null;
  }
  // With an agency, start from its index rows rather than scanning every event.
  const from =
    organ !== undefined
      ? `audit_event_organs o CROSS JOIN LATERAL unnest(o.event_ids) AS oe(id) JOIN audit_events e ON e.id = oe.id AND o.organ = ${p(organ)}`
      : 'audit_events e';
  const r = await q.query<{ lo: string | null; hi: string | null }>(
    `SELECT min(c.seq) AS lo, max(c.seq) AS hi FROM ${from} JOIN audit_chain c ON c.event_id = e.id
     ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}`,
    params,
  );
  const row = r.rows[0];
  return row?.lo && row.hi ? { lo: row.lo, hi: row.hi } : null;
}

export interface ExportOptions {
  format: ExportFormat;
  /** Rows per database round trip; default 5000. */
  batchSize?: number;
}

/**
 * Yields the export as text chunks (NDJSON lines or CSV rows). Records an
 * `audit.exported` event before the first chunk.
 */
export async function* exportAuditEvents(q: Queryable, viewer: AuditViewer, filter: AuditFilter, opts: ExportOptions): AsyncGenerator<string> {
  if (opts.format !== 'ndjson' && opts.format !== 'csv') {
    throw new HubError('audit.bad_query', 'format must be ndjson or csv', { status: 400 });
  }
  checkFilter(filter);
  const organ = effectiveOrgan(viewer, filter);
  const range = await selectedRange(q, organ, filter);
  let lo: string | null = null;
  let hi: string | null = null;
  let checkpoints: Awaited<ReturnType<typeof readCheckpoints>> = [];
  if (range) {
    lo = range.lo;
    // Extend to the first checkpoint at or after the range so its signature covers every entry.
    const cover = await q.query<{ seq: string }>('SELECT seq FROM audit_checkpoints WHERE seq >= $1 ORDER BY seq LIMIT 1', [range.hi]);
    hi = cover.rows[0]?.seq ?? range.hi;
    checkpoints = await readCheckpoints(q, { fromSeq: lo, toSeq: hi });
  }
  const entries = lo && hi ? Number(BigInt(hi) - BigInt(lo) + 1n) : 0;
  await appendAuditEvent(q, {
    type: 'audit.exported',
    actor: viewerActor(viewer),
    organs: organ ? [organ] : [],
    data: { filter: describeFilter(filter), format: opts.format, fromSeq: lo, toSeq: hi, entries },
  });

  const header: ExportHeader = {
    kind: EXPORT_KIND,
    version: EXPORT_VERSION,
    generatedAt: new Date().toISOString(),
    // The filter the export applied, with the agency an agency's export is limited to: the
    // verifier checks the file's full and redacted lines against it (none redacted when it
    // selects everything).
    filter: describeFilter(organ === undefined ? filter : { ...filter, organId: organ }),
    fromSeq: lo,
    toSeq: hi,
    entries,
    checkpoints: checkpoints.length,
  };
  const emit = opts.format === 'ndjson' ? (l: ExportLine) => `${JSON.stringify(l)}\n` : csvRow;
  // The CSV header row is the column list; the export header travels as a comment-like first row.
  if (opts.format === 'ndjson') yield `${JSON.stringify(header)}\n`;
  else yield `${CSV_COLUMNS.join(',')}\r\n${csvHeaderRow(header)}`;
  for (const cp of checkpoints) yield emit({ kind: 'checkpoint', ...cp });
  if (!lo || !hi) return;

  const selected = selectsRecord(organ, filter);
  let chunk = '';
  for await (const e of readChain(q, { fromSeq: lo, toSeq: hi, batchSize: opts.batchSize ?? 5000 })) {
    if (!e.record) {
      throw new HubError('audit.chain_broken', `the event of seq ${e.seq} is missing; run audit verify`, { status: 500 });
    }
    chunk += selected(e.record)
      ? emit({ kind: 'entry', seq: e.seq, prevHash: e.prevHash, hash: e.hash, record: e.record })
      : emit({ kind: 'redacted', seq: e.seq, prevHash: e.prevHash, hash: e.hash, digest: recordDigest(e.record) });
    if (chunk.length >= 64 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** The export header as a CSV row of kind `header`, its JSON in the `data` column. */
function csvHeaderRow(h: ExportHeader): string {
  const json = JSON.stringify(h).replace(/"/g, '""');
  return `header,${h.fromSeq ?? ''},,,,,${h.generatedAt},,,,,,,"${json}",,,\r\n`;
}
