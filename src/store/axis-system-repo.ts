/** Agency systems of the national-axis compatible API and their shared secrets (migration 013). */
import type { Queryable } from './db.js';

export interface AxisSystem {
  systemId: string;
  organId: string;
  secret: string;
  active: boolean;
  createdAt: Date;
}

interface Row {
  system_id: string;
  organ_id: string;
  secret: string;
  active: boolean;
  created_at: Date;
}

const fromRow = (r: Row): AxisSystem => ({ systemId: r.system_id, organId: r.organ_id, secret: r.secret, active: r.active, createdAt: r.created_at });

/** A system as its requests are checked: active only when it and its agency both are. */
export async function getAxisSystem(q: Queryable, systemId: string): Promise<AxisSystem | null> {
  const r = await q.query<Row>(
    `SELECT s.system_id, s.organ_id, s.secret, s.active AND a.active AS active, s.created_at
       FROM axis_systems s JOIN agencies a ON a.organ_id = s.organ_id WHERE s.system_id = $1`,
    [systemId],
  );
  return r.rows[0] ? fromRow(r.rows[0]) : null;
}

export async function listAxisSystems(q: Queryable): Promise<AxisSystem[]> {
  const r = await q.query<Row>('SELECT * FROM axis_systems ORDER BY system_id');
  return r.rows.map(fromRow);
}

/** Adds a system, or gives an existing one a new secret (and makes it active again). */
export async function putAxisSystem(q: Queryable, s: { systemId: string; organId: string; secret: string }): Promise<void> {
  await q.query(
    `INSERT INTO axis_systems (system_id, organ_id, secret) VALUES ($1, $2, $3)
     ON CONFLICT (system_id) DO UPDATE SET organ_id = EXCLUDED.organ_id, secret = EXCLUDED.secret, active = true`,
    [s.systemId, s.organId, s.secret],
  );
}

export async function deactivateAxisSystem(q: Queryable, systemId: string): Promise<boolean> {
  const r = await q.query('UPDATE axis_systems SET active = false WHERE system_id = $1', [systemId]);
  return r.rowCount > 0;
}
