/**
 * The disk's own flush latency, measured beside a benchmark: a child process
 * writes 8 KiB and calls fdatasync every few milliseconds (as PostgreSQL does
 * for its WAL at each commit) and reports the latencies when stopped. Every
 * accepted document waits for one such flush, so a slow flush on the machine
 * reads as a slow accept: this tells the disk's share of an accept's tail from
 * the hub's. A child process, so its synchronous calls block neither the load
 * generator nor the hub.
 */
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import os from 'node:os';
import { percentile } from './percentile.js';

export interface FlushLatency {
  flushes: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Flushes over 50 ms. */
  over50Ms: number;
}

const PROBE = `
const fs = require('node:fs');
const path = require('node:path');
const dir = fs.mkdtempSync(path.join(process.argv[1], 'edoc-flush-probe-'));
const file = path.join(dir, 'probe');
const fd = fs.openSync(file, 'w');
const block = Buffer.alloc(8192, 1);
const lat = [];
let offset = 0;
let stopped = false;
function report() {
  fs.closeSync(fd);
  fs.rmSync(dir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify(lat));
  process.exit(0);
}
process.stdin.on('end', () => { stopped = true; });
process.stdin.resume();
(function round() {
  if (stopped) return report();
  fs.writeSync(fd, block, 0, block.length, offset);
  offset = (offset + block.length) % (16 * 1024 * 1024);
  const t = process.hrtime.bigint();
  fs.fdatasyncSync(fd);
  lat.push(Number(process.hrtime.bigint() - t) / 1e6);
  setTimeout(round, 5);
})();
`;

/** Starts flushing in `dir` (default: the temporary directory); `stop()` resolves to the latencies seen. */
export function startFlushProbe(dir = os.tmpdir()): { stop(): Promise<FlushLatency> } {
  const child = spawn(process.execPath, ['-e', PROBE, dir], { stdio: ['pipe', 'pipe', 'inherit'] });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<number[]>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString() || '[]') as number[]);
      } catch (e) {
        reject(e as Error);
      }
    });
  });
  return {
    async stop() {
      child.stdin.end();
      const lat = (await done).sort((a, b) => a - b);
      const at = (p: number): number => Number(percentile(lat, p).toFixed(2));
      return { flushes: lat.length, p50Ms: at(50), p99Ms: at(99), maxMs: at(100), over50Ms: lat.filter((x) => x > 50).length };
    },
  };
}

/** Whether two paths are on one device (null when either cannot be read, e.g. a data directory of another user). */
export function sameDevice(a: string, b: string): boolean | null {
  try {
    return statSync(a).dev === statSync(b).dev;
  } catch {
    return null;
  }
}
