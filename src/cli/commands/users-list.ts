/** `edoc-hub users list [--json]`: the web-console accounts. */
import { parseArgs } from 'node:util';
import type { CliCommand, CliIo } from '../command.js';
import { loadConfig } from '../../config/config.js';
import { openDb } from '../../store/open-db.js';
import { listConsoleUsers } from '../../store/user-repo.js';

const help = `Usage: edoc-hub users list [--json]

Lists the web-console accounts: username, role, agency (clerks), failed
sign-ins in a row and, when locked, until when. Never shows passwords or
their hashes.

Options:
  --json      one JSON array instead of a table
  -h, --help  show this help

Environment: DATABASE_URL (or the embedded database under EDOC_DATA_DIR).
`;

async function run(args: string[], io: CliIo): Promise<number> {
  let json: boolean;
  try {
    json = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true, allowPositionals: false }).values.json ?? false;
  } catch (e) {
    io.stderr.write(`edoc-hub users list: ${(e as Error).message}\n\n${help}`);
    return 2;
  }
  const config = loadConfig(io.env);
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const now = Date.now();
    const users = (await listConsoleUsers(db)).map((u) => ({
      username: u.username,
      role: u.role,
      organId: u.organ_id,
      failedSignIns: u.failed_attempts,
      lockedUntil: u.locked_until && u.locked_until.getTime() > now ? u.locked_until.toISOString() : null,
      createdAt: u.created_at.toISOString(),
    }));
    if (json) {
      io.stdout.write(`${JSON.stringify(users)}\n`);
      return 0;
    }
    const rows = [['USERNAME', 'ROLE', 'AGENCY', 'FAILED', 'LOCKED UNTIL'], ...users.map((u) => [u.username, u.role, u.organId ?? '-', String(u.failedSignIns), u.lockedUntil ?? '-'])];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows) io.stdout.write(`${r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()}\n`);
    return 0;
  } finally {
    await db.close();
  }
}

const command: CliCommand = { name: 'users list', summary: 'List web-console users (role, agency, lock-out state)', help, run };
export default command;
