/** `edoc-hub axis add|list|disable`: agency systems of the national-axis compatible API (docs/axis.md). */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { CliCommand, CliIo } from '../command.js';
import { openStore } from '../open-store.js';
import { getAgencies } from '../../store/agency-repo.js';
import { deactivateAxisSystem, listAxisSystems, putAxisSystem } from '../../store/axis-system-repo.js';
import { appendAuditEvent } from '../../audit/append-event.js';
import { operatorActor } from '../operator-actor.js';

const SYSTEM_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$/;
const ENV = 'Environment: DATABASE_URL (or the embedded database under EDOC_DATA_DIR; stop the hub first).';

const addHelp = `Usage: edoc-hub axis add SYSTEM_ID --organ ORGANID [--json]

Lets an agency's document system call the national-axis compatible API
(/axis/sendEdoc, getReceivedEdocList, getEdoc, updateStatus, getSentEdocList,
getAgenciesList) with HMAC-signed requests instead of a client certificate.
Makes a new random secret and prints it once: give it to the system's
administrator over a safe channel. Adding an existing SYSTEM_ID gives it a
new secret (the old one stops working) and makes it active again.

Options:
  --organ ORGANID  the agency the system acts for (must be in the directory)
  --json           print {"systemId","organId","secret"} as JSON
  -h, --help       show this help

${ENV}

Example:
  edoc-hub axis add qlvb-nghean --organ 000.00.00.H41
`;

const listHelp = `Usage: edoc-hub axis list [--json]

Lists the systems of the national-axis compatible API: system id, agency,
active or not, created. Never shows secrets.

${ENV}
`;

const disableHelp = `Usage: edoc-hub axis disable SYSTEM_ID

Stops a system of the national-axis compatible API: its signed requests are
refused (401) from now on. \`edoc-hub axis add\` makes it active again with a
new secret.

${ENV}
`;

function usage(io: CliIo, name: string, help: string, message: string): number {
  io.stderr.write(`edoc-hub axis ${name}: ${message}\n\n${help}`);
  return 2;
}

async function runAdd(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { organ: { type: 'string' }, json: { type: 'boolean' } }, strict: true, allowPositionals: true });
  } catch (e) {
    return usage(io, 'add', addHelp, (e as Error).message);
  }
  const [systemId, ...rest] = parsed.positionals;
  const organId = parsed.values.organ;
  if (!systemId || rest.length > 0) return usage(io, 'add', addHelp, 'give exactly one SYSTEM_ID');
  if (!SYSTEM_ID.test(systemId)) return usage(io, 'add', addHelp, 'SYSTEM_ID: 2–64 characters A-Z a-z 0-9 . _ -, starting with a letter or digit');
  if (!organId) return usage(io, 'add', addHelp, '--organ ORGANID is required');
  const { db } = await openStore(io.env);
  try {
    const agency = (await getAgencies(db, [organId])).get(organId);
    if (!agency || !agency.active) {
      io.stderr.write(`edoc-hub axis add: ${organId} is not an active agency of the directory\n`);
      return 1;
    }
    const secret = randomBytes(32).toString('base64url');
    await db.tx(async (q) => {
      await putAxisSystem(q, { systemId, organId, secret });
      await appendAuditEvent(q, { type: 'directory.changed', actor: operatorActor(), organs: [organId], data: { action: 'axis-system-added', systemId, organId } });
    });
    if (parsed.values.json) io.stdout.write(`${JSON.stringify({ systemId, organId, secret })}\n`);
    else io.stdout.write(`system ${systemId} acts for ${organId}\nsecret (shown only now): ${secret}\n`);
    return 0;
  } finally {
    await db.close();
  }
}

async function runList(args: string[], io: CliIo): Promise<number> {
  let json: boolean;
  try {
    json = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true, allowPositionals: false }).values.json ?? false;
  } catch (e) {
    return usage(io, 'list', listHelp, (e as Error).message);
  }
  const { db } = await openStore(io.env);
  try {
    const systems = (await listAxisSystems(db)).map((s) => ({ systemId: s.systemId, organId: s.organId, active: s.active, createdAt: s.createdAt.toISOString() }));
    if (json) {
      io.stdout.write(`${JSON.stringify(systems)}\n`);
      return 0;
    }
    const rows = [['SYSTEM', 'AGENCY', 'ACTIVE', 'CREATED'], ...systems.map((s) => [s.systemId, s.organId, s.active ? 'yes' : 'no', s.createdAt])];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows) io.stdout.write(`${r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()}\n`);
    return 0;
  } finally {
    await db.close();
  }
}

async function runDisable(args: string[], io: CliIo): Promise<number> {
  let positionals: string[];
  try {
    positionals = parseArgs({ args, options: {}, strict: true, allowPositionals: true }).positionals;
  } catch (e) {
    return usage(io, 'disable', disableHelp, (e as Error).message);
  }
  if (positionals.length !== 1) return usage(io, 'disable', disableHelp, 'give exactly one SYSTEM_ID');
  const systemId = positionals[0]!;
  const { db } = await openStore(io.env);
  try {
    const done = await db.tx(async (q) => {
      if (!(await deactivateAxisSystem(q, systemId))) return false;
      await appendAuditEvent(q, { type: 'directory.changed', actor: operatorActor(), organs: [], data: { action: 'axis-system-disabled', systemId } });
      return true;
    });
    if (!done) {
      io.stderr.write(`edoc-hub axis disable: no system ${systemId}\n`);
      return 1;
    }
    io.stdout.write(`system ${systemId} disabled\n`);
    return 0;
  } finally {
    await db.close();
  }
}

export const add: CliCommand = { name: 'axis add', summary: 'Let an agency system use the national-axis compatible API (prints its secret)', help: addHelp, run: runAdd };
export const list: CliCommand = { name: 'axis list', summary: 'List systems of the national-axis compatible API', help: listHelp, run: runList };
export const disable: CliCommand = { name: 'axis disable', summary: 'Stop a system of the national-axis compatible API', help: disableHelp, run: runDisable };
