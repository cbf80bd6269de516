/**
 * Crash-safety test hook. When the environment variable EDOC_FAILPOINTS lists
 * `name` (comma-separated), the process kills itself with SIGKILL right there,
 * exactly as a power cut would. The crash tests use it to stop the hub between
 * two steps; it is never set in production and costs one Set lookup.
 */
const active = new Set((process.env.EDOC_FAILPOINTS ?? '').split(',').map((s) => s.trim()).filter(Boolean));

export function failpoint(name: string): void {
  if (active.size > 0 && active.has(name)) process.kill(process.pid, 'SIGKILL');
}
