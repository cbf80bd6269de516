/**
 * Demo console accounts for a fresh hub: when no console user exists yet, one
 * clerk per ministry/province-level agency of the directory (`vanthu.g22`,
 * `vanthu.h41`, …) plus `auditor` and `operator`, each with a random password
 * that is returned (to be printed once) and never stored in clear.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../store/db.js';
import { listAgencies } from '../store/agency-repo.js';
import { countConsoleUsers, insertConsoleUser, type ConsoleRole } from '../store/user-repo.js';
import { appendAuditEvent } from '../audit/append-event.js';
import { hashPassword } from './password-hash.js';

export interface DemoUser {
  username: string;
  role: ConsoleRole;
  organId: string | null;
  password: string;
}

/** `000.00.00.G22` → `vanthu.g22`; other forms keep the whole id, lower-cased. */
export function demoClerkName(organId: string): string {
  const short = organId.match(/^000\.00\.00\.([A-Z]\d{2})$/);
  return `vanthu.${(short?.[1] ?? organId).toLowerCase().replace(/[^a-z0-9._-]/g, '-')}`;
}

/** Creates the demo users if the table is empty; answers them with their passwords (empty when users existed). */
export async function ensureDemoUsers(db: Db, log: Logger): Promise<DemoUser[]> {
  if ((await countConsoleUsers(db)) > 0) return [];
  const agencies = (await listAgencies(db)).filter((a) => a.active && /^000\.00\.00\.[A-Z]\d{2}$/.test(a.organId));
  const planned: Omit<DemoUser, 'password'>[] = [
    ...agencies.map((a) => ({ username: demoClerkName(a.organId), role: 'clerk' as const, organId: a.organId })),
    { username: 'auditor', role: 'auditor', organId: null },
    { username: 'operator', role: 'operator', organId: null },
  ];
  const users = planned.map((u) => ({ ...u, password: randomBytes(12).toString('base64url') }));
  const hashes = await Promise.all(users.map((u) => hashPassword(u.password)));
  const created = await db.tx(async (q) => {
    // Another process may have created them meanwhile.
    if ((await countConsoleUsers(q)) > 0) return false;
    for (const [i, u] of users.entries()) {
      await insertConsoleUser(q, { username: u.username, role: u.role, organId: u.organId, passwordHash: hashes[i]! });
    }
    await appendAuditEvent(q, { type: 'user.changed', actor: 'hub', organs: [], data: { action: 'demo-users-created', usernames: users.map((u) => u.username) } });
    return true;
  });
  if (!created) return [];
  log.info({ users: users.length }, 'demo console users created');
  return users;
}

/** The demo users as lines for the terminal (passwords shown once). */
export function formatDemoUsers(users: DemoUser[], consoleUrl: string): string {
  if (users.length === 0) return '';
  const width = Math.max(...users.map((u) => u.username.length));
  const lines = users.map((u) => `  ${u.username.padEnd(width)}  ${u.password}  ${u.role}${u.organId ? ` ${u.organId}` : ''}`);
  return `edoc-hub: console demo users (passwords are shown only now; change them with \`edoc-hub users add NAME --role … --reset\`):\n  ${consoleUrl}\n${lines.join('\n')}\n`;
}
