/**
 * Architecture checks: no circular imports between modules, and each concern
 * imports only the concerns below it (data flows http → exchange → edxml/pki/
 * directory → store/audit; hub assembles; cli never reaches into http).
 */
import t from 'tap';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const graph = new Map<string, string[]>();
for (const f of files(SRC)) {
  const text = readFileSync(f, 'utf8');
  const deps: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'|import\('(\.[^']+)'\)/g)) {
    const spec = (m[1] ?? m[2])!;
    deps.push(path.resolve(path.dirname(f), spec.replace(/\.js$/, '.ts')));
  }
  graph.set(f, deps);
}

const concern = (f: string): string => path.relative(SRC, f).split(path.sep)[0]!.replace(/\.ts$/, '');

/** Concerns each concern may import (besides itself). */
const ALLOWED: Record<string, string[]> = {
  shared: [],
  config: ['shared'],
  edxml: ['shared'],
  pki: ['shared', 'edxml'],
  store: ['shared', 'directory'],
  // pki: a checkpoint counts only when the hub's signing certificate made it.
  audit: ['shared', 'store', 'pki'],
  directory: ['shared', 'store', 'audit'],
  exchange: ['shared', 'config', 'edxml', 'pki', 'directory', 'store', 'audit'],
  queue: ['shared', 'exchange'],
  delivery: ['shared', 'store', 'audit', 'queue', 'exchange'],
  observability: ['shared', 'exchange'],
  http: ['shared', 'config', 'edxml', 'pki', 'directory', 'store', 'audit', 'exchange', 'queue', 'observability', 'hub', 'console', 'axis'],
  // The national-axis compatible calls: another front door onto the same exchange.
  axis: ['shared', 'config', 'store', 'exchange', 'http', 'hub'],
  console: ['shared', 'config', 'edxml', 'pki', 'directory', 'store', 'audit', 'exchange', 'queue', 'http', 'hub'],
  hub: ['shared', 'config', 'edxml', 'pki', 'directory', 'store', 'audit', 'exchange', 'queue', 'delivery', 'observability', 'http', 'console'],
  cli: ['shared', 'config', 'edxml', 'pki', 'directory', 'store', 'audit', 'exchange', 'hub', 'console'],
};

t.test('each concern imports only what it may', async (t) => {
  const violations: string[] = [];
  for (const [file, deps] of graph) {
    const from = concern(file);
    const allowed = ALLOWED[from];
    if (!allowed) {
      violations.push(`${path.relative(SRC, file)}: folder "${from}" has no rule in test/architecture.test.ts`);
      continue;
    }
    for (const d of deps) {
      const to = concern(d);
      // Type-only contracts (the Caller type of http) are shared vocabulary.
      if (to !== from && !allowed.includes(to) && !d.endsWith(path.join('http', 'caller.ts'))) {
        violations.push(`${path.relative(SRC, file)} → ${path.relative(SRC, d)}`);
      }
    }
  }
  t.same(violations, [], 'no import crosses the layering');
});

t.test('no circular imports', async (t) => {
  const state = new Map<string, 'visiting' | 'done'>();
  const cycles: string[] = [];
  const stack: string[] = [];
  const visit = (f: string): void => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'visiting') {
      cycles.push([...stack.slice(stack.indexOf(f)), f].map((x) => path.relative(SRC, x)).join(' → '));
      return;
    }
    state.set(f, 'visiting');
    stack.push(f);
    for (const d of graph.get(f) ?? []) if (graph.has(d)) visit(d);
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of graph.keys()) visit(f);
  t.same(cycles, [], 'no cycles');
  t.ok(graph.size > 50, 'the checker sees the source tree');
});
