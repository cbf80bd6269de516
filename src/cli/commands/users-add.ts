/** `edoc-hub users add USERNAME --role clerk|auditor|operator [--organ ORGANID] [--reset]`: a console account, password from standard input. */
import { parseArgs } from 'node:util';
import type { CliCommand, CliIo } from '../command.js';
import { loadConfig } from '../../config/config.js';
import { openDb } from '../../store/open-db.js';
import { getAgencies } from '../../store/agency-repo.js';
import { findConsoleUser, insertConsoleUser, setConsolePassword, type ConsoleRole } from '../../store/user-repo.js';
import { appendAuditEvent } from '../../audit/append-event.js';
import { hashPassword } from '../../console/password-hash.js';
import { HubError } from '../../shared/hub-error.js';

const help = `Usage: edoc-hub users add USERNAME --role clerk|auditor|operator [--organ ORGANID] [--reset]

Creates a web-console account (people, not agency systems). The password is
read from standard input: the first line, without its line end. It is stored
as a scrypt hash; the console locks an account for 15 minutes after 5 wrong
passwords in a row.

  clerk     sees and acts for one agency's traffic (needs --organ)
  auditor   searches, exports and verifies the exchange log
  operator  sees the agency directory and the queues, retries deliveries

Options:
  --role ROLE      clerk, auditor or operator (required)
  --organ ORGANID  the clerk's agency; must be in the hub's directory
  --reset          the user exists: set this new password and unlock it
  -h, --help       show this help

Environment: DATABASE_URL (or the embedded database under EDOC_DATA_DIR).

Exit status: 0 created, 1 refused (exists, unknown agency, …), 2 usage error.

Examples:
  printf '%s\\n' 'a long passphrase' | edoc-hub users add vanthu.h41 --role clerk --organ 000.00.00.H41
  edoc-hub users add kiemtoan --role auditor < password.txt
`;

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;
const ROLES: ConsoleRole[] = ['clerk', 'auditor', 'operator'];

/** The first line of standard input. */
async function readPassword(stdin: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

function usage(io: CliIo, message: string): number {
  io.stderr.write(`edoc-hub users add: ${message}\n\n${help}`);
  return 2;
}

async function run(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { role: { type: 'string' }, organ: { type: 'string' }, reset: { type: 'boolean' } }, strict: true, allowPositionals: true });
  } catch (e) {
    return usage(io, (e as Error).message);
  }
  const { values, positionals } = parsed;
  const username = positionals[0]?.toLowerCase();
  if (!username || positionals.length > 1) return usage(io, 'give exactly one USERNAME');
  if (!USERNAME.test(username)) return usage(io, 'USERNAME: 2–64 characters a-z 0-9 . _ -, starting with a letter or digit');
  const role = values.role as ConsoleRole | undefined;
  if (!values.reset) {
    if (!role || !ROLES.includes(role)) return usage(io, '--role must be clerk, auditor or operator');
    if (role === 'clerk' && !values.organ) return usage(io, 'a clerk needs --organ ORGANID');
    if (role !== 'clerk' && values.organ) return usage(io, `--organ is only for clerks, not ${role}s`);
  }
  const password = await readPassword(io.stdin);
  if (password.length < 8) {
    io.stderr.write('edoc-hub users add: the password (first line of standard input) must have at least 8 characters\n');
    return 1;
  }
  const config = loadConfig(io.env);
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const hash = await hashPassword(password);
    if (values.reset) {
      const changed = await db.tx(async (q) => {
        if (!(await setConsolePassword(q, username, hash))) return false;
        await appendAuditEvent(q, { type: 'user.changed', actor: 'cli', organs: [], data: { action: 'password-reset', username } });
        return true;
      });
      if (!changed) throw new HubError('console.no_such_user', `there is no console user ${username}`);
      io.stdout.write(`password of ${username} replaced; the account is unlocked\n`);
      return 0;
    }
    if (await findConsoleUser(db, username)) throw new HubError('console.user_exists', `the console user ${username} already exists (use --reset to change its password)`);
    const organId = role === 'clerk' ? values.organ! : null;
    if (organId && !(await getAgencies(db, [organId])).get(organId)) {
      throw new HubError('console.unknown_agency', `${organId} is not in the hub's agency directory`);
    }
    await db.tx(async (q) => {
      await insertConsoleUser(q, { username, role: role!, organId, passwordHash: hash });
      await appendAuditEvent(q, { type: 'user.changed', actor: 'cli', organs: organId ? [organId] : [], data: { action: 'created', username, role, organId } });
    });
    io.stdout.write(`console user ${username} created (${role}${organId ? ` of ${organId}` : ''})\n`);
    return 0;
  } finally {
    await db.close();
  }
}

const command: CliCommand = { name: 'users add', summary: 'Create a web-console user (password read from standard input)', help, run };
export default command;
