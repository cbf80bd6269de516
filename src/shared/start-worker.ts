/**
 * Starts a worker thread on one of the hub's modules, given as the URL of its
 * compiled `.js` next to the caller. Run from the TypeScript sources (tests,
 * `tsx`), that file does not exist and the worker does not inherit the tsx
 * loader: the worker then registers it and imports the `.ts` module itself.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

export function startWorker(moduleUrl: URL, opts: WorkerOptions): Worker {
  if (!moduleUrl.pathname.endsWith('.js') || !import.meta.url.endsWith('.ts')) return new Worker(moduleUrl, opts);
  const source = new URL(moduleUrl.href.replace(/\.js$/, '.ts'));
  const loader = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(loader)}).then((m) => { m.register(); return import(${JSON.stringify(source.href)}); });`;
  return new Worker(boot, { ...opts, eval: true });
}
