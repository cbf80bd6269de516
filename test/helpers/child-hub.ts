/**
 * The hub as a separate process (`edoc-hub start`), for tests that kill it
 * (SIGKILL) and start it again on the same database and Redis prefix.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { TEST_CERTS_DIR } from './test-certs.js';
import { httpsRequest, tlsOf, type HttpAnswer } from './test-hub.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface ChildHub {
  url: string;
  process: ChildProcess;
  /** Resolves with the exit signal/code when the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  request(as: string | null, method: string, path: string, body?: Buffer | string | object): Promise<HttpAnswer>;
  kill(): Promise<void>;
}

/** Starts `edoc-hub start`; resolves when it answers /health/live (or, for `EDOC_ROLE=worker`, says its workers run). */
export async function startChildHub(env: Record<string, string>): Promise<ChildHub> {
  const workerOnly = env.EDOC_ROLE === 'worker';
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'start'], {
    env: {
      ...process.env,
      EDOC_CERTS_DIR: TEST_CERTS_DIR,
      EDOC_PORT: String(port),
      LOG_LEVEL: 'warn',
      EDOC_RECONCILE_INTERVAL_MS: '250',
      EDOC_RECONCILE_GRACE_MS: '500',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `https://127.0.0.1:${port}`;
  const hub: ChildHub = {
    url,
    process: child,
    exited,
    output: () => out,
    request: (as, method, path, body) => httpsRequest(`${url}${path}`, tlsOf(as), method, body),
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`hub exited during start:\n${out}`);
    if (workerOnly) {
      if (out.includes('workers running')) return hub;
      await sleep(100);
      continue;
    }
    try {
      const r = await hub.request(null, 'GET', '/health/live');
      if (r.status === 200) return hub;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  await hub.kill();
  throw new Error(`hub did not start in 30 s:\n${out}`);
}
