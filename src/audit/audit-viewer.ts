/**
 * Who reads the log. An agency sees only events that concern it; an auditor
 * sees every event's metadata. Nobody sees document contents: the log has none.
 */
import { HubError } from '../shared/hub-error.js';

export type AuditViewer = { kind: 'agency'; organId: string } | { kind: 'auditor'; name?: string };

/** The filters shared by queries and exports. */
export interface AuditFilter {
  /** Events concerning this agency (as sender or recipient). */
  organId?: string;
  documentId?: string;
  messageId?: string;
  type?: string[];
  /** Inclusive lower bound on the event time. */
  from?: Date;
  /** Exclusive upper bound on the event time. */
  to?: Date;
}

/** The actor string recorded when this viewer queries or exports. */
export function viewerActor(v: AuditViewer): string {
  return v.kind === 'agency' ? v.organId : `auditor:${v.name ?? 'unknown'}`;
}

/**
 * The agency whose events the viewer is limited to (the filter's, or the
 * viewer's own); refuses an agency asking for another agency's events.
 */
export function effectiveOrgan(v: AuditViewer, f: AuditFilter): string | undefined {
  if (v.kind === 'auditor') return f.organId;
  if (f.organId !== undefined && f.organId !== v.organId) {
    throw new HubError('audit.forbidden', 'an agency may only read its own events', { status: 403, organId: f.organId });
  }
  return v.organId;
}

/** Refuses an inverted time range. */
export function checkFilter(f: AuditFilter): void {
  if (f.from && f.to && f.from.getTime() > f.to.getTime()) {
    throw new HubError('audit.bad_query', '"from" is after "to"', { status: 400 });
  }
}
