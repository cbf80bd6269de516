/**
 * For tests that check how PostgreSQL runs the hub's own statements: record
 * what a repository or the sealer sent, then EXPLAIN exactly that.
 */
import type { Db, Queryable } from '../../src/store/db.js';

export interface Statement {
  sql: string;
  params: unknown[];
}

/** A Queryable that appends every statement it runs to `seen`. */
export function recording(q: Queryable, seen: Statement[]): Queryable {
  return {
    query<R>(sql: string, params: unknown[] = []) {
      seen.push({ sql, params });
      return q.query<R>(sql, params);
    },
  };
}

/** A Db whose queries and transactions record every statement in `seen`. */
export function recordingDb(db: Db, seen: Statement[]): Db {
  return {
    kind: db.kind,
    query: (sql, params) => recording(db, seen).query(sql, params),
    tx: (fn, opts) => db.tx((q, firstRows) => fn(recording(q, seen), firstRows), opts),
    close: () => db.close(),
  };
}

export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

const nodes = (p: PlanNode): PlanNode[] => [p, ...(p.Plans ?? []).flatMap(nodes)];

/** Every node of the plan PostgreSQL would use for the statement, top first. */
export async function planNodes(q: Queryable, s: Statement): Promise<PlanNode[]> {
  const r = await q.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${s.sql}`, s.params);
  return nodes(r.rows[0]!['QUERY PLAN'][0].Plan);
}
