/**
 * `npm run bench`: runs every bench/*.bench.ts in its own process (one at a
 * time, so they do not compete for the 2 cores), and prints ONE JSON object:
 * the machine's baseline (openssl speed, sha256sum, and the costs of a fresh
 * page of memory and of a round trip to another process: bench/machine-probes.ts)
 * and each benchmark's figures, so results read as ratios of what this machine
 * can do.
 *
 *   npm run bench                  # all
 *   npm run bench -- edxml-parse   # only the named ones
 */
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { freshPageMicroseconds, processRoundTripMicroseconds } from './machine-probes.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const log = (s: string): void => void process.stderr.write(`${s}\n`);

function opensslSpeed(): Record<string, number> {
  const out: Record<string, number> = {};
  try {
    const text = execFileSync('openssl', ['speed', '-seconds', '2', 'rsa2048', 'ecdsap256'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const rsa = text.match(/^rsa\s+2048 bits\s+[\d.]+s\s+[\d.]+s\s+([\d.]+)\s+([\d.]+)/m);
    if (rsa) Object.assign(out, { rsa2048SignPerSecond: Number(rsa[1]), rsa2048VerifyPerSecond: Number(rsa[2]) });
    const ec = text.match(/^\s*256 bits ecdsa \(nistp256\)\s+[\d.]+s\s+[\d.]+s\s+([\d.]+)\s+([\d.]+)/m);
    if (ec) Object.assign(out, { ecdsaP256SignPerSecond: Number(ec[1]), ecdsaP256VerifyPerSecond: Number(ec[2]) });
    const sha = execFileSync('openssl', ['speed', '-seconds', '2', '-bytes', '16384', 'sha256'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const m = sha.match(/^sha256\s+([\d.]+)k/m);
    if (m) out.opensslSha256MBps = Number((Number(m[1]) / 1024).toFixed(1));
  } catch (e) {
    log(`openssl speed unavailable: ${(e as Error).message}`);
  }
  return out;
}

function sha256sumMBps(): number | null {
  const dir = mkdtempSync(path.join(tmpdir(), 'edoc-baseline-'));
  try {
    const file = path.join(dir, 'blob');
    writeFileSync(file, randomBytes(64 * 1024 * 1024));
    const t0 = process.hrtime.bigint();
    execFileSync('sha256sum', [file], { stdio: 'ignore' });
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    return Number((64 / s).toFixed(1));
  } catch {
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runOne(file: string): Promise<unknown> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, file)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('close', (code) => {
      const line = out.trim().split('\n').filter(Boolean).pop() ?? '';
      try {
        resolve(JSON.parse(line));
      } catch {
        resolve({ error: `exit ${code}; no JSON result`, output: out.slice(-500) });
      }
    });
  });
}

const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

log('measuring the machine baseline (openssl speed, sha256sum, fresh pages, process round trips)');
const result: Record<string, unknown> = {
  when: new Date().toISOString(),
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
  baseline: {
    ...opensslSpeed(),
    sha256sumMBps: sha256sumMBps(),
    freshPageMicroseconds: freshPageMicroseconds(),
    processRoundTripMicroseconds: processRoundTripMicroseconds(),
  },
  benchmarks: {} as Record<string, unknown>,
};
for (const f of files) {
  log(`running ${f}`);
  (result.benchmarks as Record<string, unknown>)[f.replace(/\.bench\.ts$/, '')] = await runOne(f);
}
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
