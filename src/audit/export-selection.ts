/**
 * Which entries an export shows in full: the exporter and the offline
 * verifier use the same predicate, so the verifier can check that a file's
 * full and digest-only (redacted) lines agree with the filter its header states.
 */
import type { AuditRecord } from './audit-record.js';
import type { AuditFilter } from './audit-viewer.js';
import { isAboutDocument, isAboutMessage } from './listed-deliveries.js';

/** Whether the export shows `r` in full: it concerns `organ` (when given) and matches the filter. */
export function selectsRecord(organ: string | undefined, f: AuditFilter): (r: AuditRecord) => boolean {
  const from = f.from?.getTime();
  const to = f.to?.getTime();
  const types = f.type && f.type.length > 0 ? new Set(f.type) : null;
  return (r) => {
    if (organ !== undefined && !r.organs.includes(organ)) return false;
    if (f.documentId !== undefined && !isAboutDocument(r, f.documentId)) return false;
    if (f.messageId !== undefined && !isAboutMessage(r, f.messageId)) return false;
    if (types && !types.has(r.type)) return false;
    if (from !== undefined || to !== undefined) {
      const at = Date.parse(r.at);
      if (from !== undefined && at < from) return false;
      if (to !== undefined && at >= to) return false;
    }
    return true;
  };
}

/** The filter selects every entry: an export made with it has no redacted line. */
export function selectsEverything(organ: string | undefined, f: AuditFilter): boolean {
  return organ === undefined && f.documentId === undefined && f.messageId === undefined && !(f.type && f.type.length > 0) && f.from === undefined && f.to === undefined;
}

const FILTER_MEMBERS = new Set(['organId', 'documentId', 'messageId', 'type', 'from', 'to']);

/**
 * The filter an export header states (`describeFilter`'s shape; a missing or
 * null member restricts nothing), or the reason it is not one.
 */
export function filterOfHeader(v: unknown): { organ: string | undefined; filter: AuditFilter } | string {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'the export header has no filter object';
  const h = v as Record<string, unknown>;
  for (const k of Object.keys(h)) if (!FILTER_MEMBERS.has(k)) return `the export header's filter has an unknown member "${k}"`;
  const filter: AuditFilter = {};
  for (const k of ['organId', 'documentId', 'messageId'] as const) {
    const x = h[k];
    if (x === undefined || x === null) continue;
    if (typeof x !== 'string') return `the export header's filter.${k} is not a string`;
    filter[k] = x;
  }
  if (h.type !== undefined && h.type !== null) {
    if (!Array.isArray(h.type) || !h.type.every((t) => typeof t === 'string')) return "the export header's filter.type is not a list of strings";
    filter.type = h.type as string[];
  }
  for (const k of ['from', 'to'] as const) {
    const x = h[k];
    if (x === undefined || x === null) continue;
    if (typeof x !== 'string' || !Number.isFinite(Date.parse(x))) return `the export header's filter.${k} is not a time`;
    filter[k] = new Date(x);
  }
  const organ = filter.organId;
  delete filter.organId;
  return { organ, filter };
}
