/** Agencies and auditor systems: the directory as the database keeps it. */
import type { Queryable } from './db.js';
import type { Agency, AuditorEntry, DirectoryFile } from '../directory/agency.js';

interface AgencyRow {
  organ_id: string;
  name: string;
  parent: string | null;
  contact: Agency['contact'];
  delivery_mode: 'pull' | 'push';
  endpoint: string | null;
  signature_policy: Agency['signaturePolicy'];
  allow_legacy_algorithms: boolean;
  certificates: string[];
  limits: Agency['limits'];
  active: boolean;
}

function toAgency(r: AgencyRow): Agency {
  return {
    organId: r.organ_id,
    name: r.name,
    parent: r.parent,
    contact: r.contact,
    delivery: r.delivery_mode === 'push' && r.endpoint ? { mode: 'push', endpoint: r.endpoint } : { mode: 'pull' },
    signaturePolicy: r.signature_policy,
    allowLegacyAlgorithms: r.allow_legacy_algorithms,
    certificates: r.certificates,
    limits: r.limits,
    active: r.active,
  };
}

export async function listAgencies(q: Queryable): Promise<Agency[]> {
  const r = await q.query<AgencyRow>('SELECT * FROM agencies ORDER BY organ_id');
  return r.rows.map(toAgency);
}

export async function getAgencies(q: Queryable, organIds: string[]): Promise<Map<string, Agency>> {
  const r = await q.query<AgencyRow>('-- prepared: agencies_by_id\nSELECT * FROM agencies WHERE organ_id = ANY($1::text[])', [organIds]);
  return new Map(r.rows.map((row) => [row.organ_id, toAgency(row)]));
}

export async function upsertAgency(q: Queryable, a: Agency): Promise<void> {
  await q.query(
    `INSERT INTO agencies (organ_id, name, parent, contact, delivery_mode, endpoint, signature_policy,
       allow_legacy_algorithms, certificates, limits, active, updated_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11, now())
     ON CONFLICT (organ_id) DO UPDATE SET name = EXCLUDED.name, parent = EXCLUDED.parent, contact = EXCLUDED.contact,
       delivery_mode = EXCLUDED.delivery_mode, endpoint = EXCLUDED.endpoint, signature_policy = EXCLUDED.signature_policy,
       allow_legacy_algorithms = EXCLUDED.allow_legacy_algorithms, certificates = EXCLUDED.certificates,
       limits = EXCLUDED.limits, active = EXCLUDED.active, updated_at = now()`,
    [
      a.organId,
      a.name,
      a.parent,
      JSON.stringify(a.contact),
      a.delivery.mode,
      a.delivery.mode === 'push' ? a.delivery.endpoint : null,
      a.signaturePolicy,
      a.allowLegacyAlgorithms,
      a.certificates,
      JSON.stringify(a.limits),
      a.active,
    ],
  );
}

export async function listAuditors(q: Queryable): Promise<AuditorEntry[]> {
  const r = await q.query<{ name: string; certificates: string[] }>('SELECT name, certificates FROM auditors ORDER BY name');
  return r.rows;
}

export async function upsertAuditor(q: Queryable, a: AuditorEntry): Promise<void> {
  await q.query(
    'INSERT INTO auditors (name, certificates) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET certificates = EXCLUDED.certificates',
    [a.name, a.certificates],
  );
}

export async function countAgencies(q: Queryable): Promise<number> {
  const r = await q.query<{ n: string | number }>('SELECT count(*) AS n FROM agencies');
  return Number(r.rows[0]?.n ?? 0);
}

/** Writes a whole directory (agencies parents first, so the parent references resolve). */
export async function importDirectory(q: Queryable, d: DirectoryFile): Promise<void> {
  const ordered = [...d.agencies].sort((a, b) => Number(a.parent !== null) - Number(b.parent !== null));
  for (const a of ordered) await upsertAgency(q, a);
  for (const u of d.auditors) await upsertAuditor(q, u);
}
