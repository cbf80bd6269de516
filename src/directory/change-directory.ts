/**
 * Operator changes to the directory, each logged in the exchange log in the
 * same transaction: `directory.changed` (names, delivery, endpoint, activity),
 * `policy.changed` (signature policy, legacy algorithms), `certificate.changed`
 * (pinned fingerprints).
 */
import type { Db, Queryable } from '../store/db.js';
import { getAgencies, importDirectory, upsertAgency } from '../store/agency-repo.js';
import { appendAuditEvents, type AuditEventInput } from '../audit/append-event.js';
import { HubError } from '../shared/hub-error.js';
import { agencyWithDefaults, type Agency, type DirectoryFile } from './agency.js';

const POLICY_FIELDS = new Set<keyof Agency>(['signaturePolicy', 'allowLegacyAlgorithms']);
const CERT_FIELDS = new Set<keyof Agency>(['certificates']);

/** JSON with object keys sorted (jsonb does not keep key order). */
function stable(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x,
  );
}

function changedFields(before: Agency | undefined, after: Agency): (keyof Agency)[] {
  if (!before) return Object.keys(after) as (keyof Agency)[];
  return (Object.keys(after) as (keyof Agency)[]).filter((k) => stable(before[k]) !== stable(after[k]));
}

function eventsFor(actor: string, before: Agency | undefined, after: Agency): AuditEventInput[] {
  const fields = changedFields(before, after);
  if (fields.length === 0) return [];
  const pick = (set: Set<keyof Agency>): (keyof Agency)[] => fields.filter((f) => set.has(f));
  const rest = fields.filter((f) => !POLICY_FIELDS.has(f) && !CERT_FIELDS.has(f));
  const out: AuditEventInput[] = [];
  const describe = (fs: (keyof Agency)[]): Record<string, unknown> => ({
    organId: after.organId,
    created: before === undefined,
    fields: fs,
    before: before ? Object.fromEntries(fs.map((f) => [f, before[f]])) : null,
    after: Object.fromEntries(fs.map((f) => [f, after[f]])),
  });
  // A new agency is one directory change with all its fields.
  if (!before) return [{ type: 'directory.changed', actor, organs: [after.organId], data: describe(fields) }];
  if (rest.length > 0) out.push({ type: 'directory.changed', actor, organs: [after.organId], data: describe(rest) });
  if (pick(POLICY_FIELDS).length > 0) out.push({ type: 'policy.changed', actor, organs: [after.organId], data: describe(pick(POLICY_FIELDS)) });
  if (pick(CERT_FIELDS).length > 0) out.push({ type: 'certificate.changed', actor, organs: [after.organId], data: describe(pick(CERT_FIELDS)) });
  return out;
}

async function applyOne(q: Queryable, actor: string, next: Agency): Promise<AuditEventInput[]> {
  const before = (await getAgencies(q, [next.organId])).get(next.organId);
  const events = eventsFor(actor, before, next);
  if (events.length > 0) await upsertAgency(q, next);
  return events;
}

/** Creates or changes one agency; returns the agency as stored. */
export async function changeAgency(db: Db, actor: string, organId: string, change: Partial<Omit<Agency, 'organId'>>): Promise<Agency> {
  return db.tx(async (q) => {
    const before = (await getAgencies(q, [organId])).get(organId);
    if (!before && !change.name) {
      throw new HubError('directory.unknown_agency', `${organId} is not in the directory; give --name to add it`, { status: 404, organId });
    }
    if (change.parent && !(await getAgencies(q, [change.parent])).has(change.parent)) {
      throw new HubError('directory.unknown_parent', `parent ${change.parent} is not in the directory`, { organId });
    }
    const next = agencyWithDefaults({ name: '', ...before, ...change, organId });
    await appendAuditEvents(q, await applyOne(q, actor, next));
    return next;
  });
}

/** Upserts every agency and auditor of a directory file; returns how many agencies changed. */
export async function importDirectoryChanges(db: Db, actor: string, dir: DirectoryFile): Promise<number> {
  return db.tx(async (q) => {
    const events: AuditEventInput[] = [];
    let changed = 0;
    const ordered = [...dir.agencies].sort((a, b) => Number(a.parent !== null) - Number(b.parent !== null));
    for (const a of ordered) {
      const e = await applyOne(q, actor, a);
      if (e.length > 0) changed += 1;
      events.push(...e);
    }
    await importDirectory(q, { agencies: [], auditors: dir.auditors });
    await appendAuditEvents(q, events);
    return changed;
  });
}
