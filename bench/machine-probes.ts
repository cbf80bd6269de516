/**
 * Two costs of the machine that `openssl speed` does not show and the hub
 * bench pays for all the time, measured in child processes of their own:
 *
 * - a fresh page of memory: the first write to each 4 KiB page the kernel
 *   has not yet mapped (a page fault). A few tenths of a microsecond on bare
 *   metal; ~10 µs on virtual machines whose page tables are kept by the
 *   hypervisor, where memory taken fresh for every request is far dearer than
 *   its copying.
 * - a round trip to another process: one byte over a pipe to a child that
 *   echoes it, as every query to PostgreSQL and every request on loopback is
 *   a wake-up of another process (and, with two cores shared by many busy
 *   processes, a wait for one).
 */
import { execFileSync } from 'node:child_process';

const FRESH_PAGE_PROBE = `
const MB = 64, size = MB * 1024 * 1024, pages = size / 4096;
const best = [];
for (let round = 0; round < 3; round++) {
  const b = Buffer.allocUnsafeSlow(size); // malloc of 64 MiB: mapped, not yet touched
  let t = process.hrtime.bigint();
  b.fill(round + 1);
  const fresh = Number(process.hrtime.bigint() - t);
  t = process.hrtime.bigint();
  b.fill(round + 2);
  const again = Number(process.hrtime.bigint() - t);
  best.push((fresh - again) / pages / 1000);
}
process.stdout.write(String(Math.min(...best)));
`;

const ROUND_TRIP_PROBE = `
const { spawn } = require('node:child_process');
const echo = spawn(process.execPath, ['-e', "process.stdin.on('data', (b) => process.stdout.write(b))"], { stdio: ['pipe', 'pipe', 'inherit'] });
const N = 2000, times = [];
let sent = 0, t = 0n;
const ping = () => { t = process.hrtime.bigint(); echo.stdin.write('x'); };
echo.stdout.on('data', () => {
  if (sent++ >= 100) times.push(Number(process.hrtime.bigint() - t) / 1000); // the first 100 warm up
  if (sent < N + 100) return ping();
  echo.kill();
  times.sort((a, b) => a - b);
  process.stdout.write(String(times[times.length >> 1]));
});
ping();
`;

function probe(code: string): number | null {
  try {
    const out = Number(execFileSync(process.execPath, ['-e', code], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] }));
    return Number.isFinite(out) ? Number(out.toFixed(2)) : null;
  } catch {
    return null;
  }
}

/** Microseconds for the first write to a fresh 4 KiB page, beyond writing it again (best of three 64 MiB runs). */
export const freshPageMicroseconds = (): number | null => probe(FRESH_PAGE_PROBE);

/** Median microseconds for one byte to another Node.js process over a pipe and back. */
export const processRoundTripMicroseconds = (): number | null => probe(ROUND_TRIP_PROBE);
