/** `edoc-hub agencies list|set|import`: the operator's view of the agency directory. */
import { parseArgs } from 'node:util';
import { operatorActor } from '../operator-actor.js';
import type { CliCommand } from '../command.js';
import { openStore } from '../open-store.js';
import { listAgencies } from '../../store/agency-repo.js';
import { changeAgency, importDirectoryChanges } from '../../directory/change-directory.js';
import { loadDirectoryFile } from '../../directory/load-directory-file.js';
import { normalizeFingerprint, type Agency } from '../../directory/agency.js';
import { HubError } from '../../shared/hub-error.js';

const dbNote = `The database is DATABASE_URL, or the embedded one under ./var (stop the hub
first when it uses the embedded database: only one process can open it).
Changes are logged in the exchange log as operator:<user>.`;

export const list: CliCommand = {
  name: 'agencies list',
  summary: 'List the agency directory',
  help: `Usage: edoc-hub agencies list [--json]

Lists every agency: OrganId, name, delivery mode and endpoint, signature policy.

Options:
  --json      one JSON document instead of a table

${dbNote}`,
  async run(args, io) {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean' } } });
    const { db } = await openStore(io.env);
    try {
      const agencies = await listAgencies(db);
      if (values.json) {
        io.stdout.write(`${JSON.stringify({ agencies })}\n`);
      } else {
        for (const a of agencies) {
          const mode = a.delivery.mode === 'push' ? `push ${a.delivery.endpoint}` : 'pull';
          io.stdout.write(`${a.organId.padEnd(16)} ${a.active ? ' ' : 'x'} ${a.signaturePolicy.padEnd(8)} ${mode.padEnd(12)} ${a.name}\n`);
        }
      }
      return 0;
    } finally {
      await db.close();
    }
  },
};

function onOff(v: string | undefined, name: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (v === 'on' || v === 'true') return true;
  if (v === 'off' || v === 'false') return false;
  throw new HubError('cli.usage', `${name} takes on or off`);
}

export const set: CliCommand = {
  name: 'agencies set',
  summary: 'Add an agency or change its delivery, policy or pinned certificates',
  help: `Usage: edoc-hub agencies set ORGANID [options]

Adds the agency (give --name) or changes it.

Options:
  --name NAME                  agency name
  --parent ORGANID             parent agency
  --delivery pull|push         delivery mode (push needs --endpoint)
  --endpoint URL               HTTPS endpoint for push delivery
  --policy required|lenient    signature policy
  --legacy-algorithms on|off   accept RSA-SHA1 / SHA-1 in this agency's signatures
  --pin FINGERPRINT            pin a certificate (SHA-256, hex, colons optional); repeatable
  --unpin FINGERPRINT          remove a pinned certificate; repeatable
  --active on|off              an inactive agency can neither send nor receive

${dbNote}`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        parent: { type: 'string' },
        delivery: { type: 'string' },
        endpoint: { type: 'string' },
        policy: { type: 'string' },
        'legacy-algorithms': { type: 'string' },
        pin: { type: 'string', multiple: true },
        unpin: { type: 'string', multiple: true },
        active: { type: 'string' },
      },
    });
    if (positionals.length !== 1) throw new HubError('cli.usage', 'expected exactly one ORGANID');
    const organId = positionals[0]!;
    const { db } = await openStore(io.env);
    try {
      const current = (await listAgencies(db)).find((a) => a.organId === organId);
      const change: Partial<Omit<Agency, 'organId'>> = {};
      if (values.name) change.name = values.name;
      if (values.parent) change.parent = values.parent;
      if (values.policy) {
        if (values.policy !== 'required' && values.policy !== 'lenient') throw new HubError('cli.usage', '--policy takes required or lenient');
        change.signaturePolicy = values.policy;
      }
      const legacy = onOff(values['legacy-algorithms'], '--legacy-algorithms');
      if (legacy !== undefined) change.allowLegacyAlgorithms = legacy;
      const active = onOff(values.active, '--active');
      if (active !== undefined) change.active = active;
      const mode = values.delivery ?? (values.endpoint ? 'push' : undefined);
      if (mode === 'push') {
        const endpoint = values.endpoint ?? (current?.delivery.mode === 'push' ? current.delivery.endpoint : undefined);
        if (!endpoint || !endpoint.startsWith('https://')) throw new HubError('cli.usage', 'push delivery needs --endpoint https://…');
        change.delivery = { mode: 'push', endpoint };
      } else if (mode === 'pull') change.delivery = { mode: 'pull' };
      else if (mode !== undefined) throw new HubError('cli.usage', '--delivery takes pull or push');
      if (values.pin || values.unpin) {
        const pins = new Set(current?.certificates ?? []);
        for (const p of values.pin ?? []) pins.add(normalizeFingerprint(p));
        for (const p of values.unpin ?? []) pins.delete(normalizeFingerprint(p));
        change.certificates = [...pins];
      }
      const stored = await changeAgency(db, operatorActor(), organId, change);
      io.stdout.write(`${JSON.stringify(stored)}\n`);
      return 0;
    } finally {
      await db.close();
    }
  },
};

export const importCommand: CliCommand = {
  name: 'agencies import',
  summary: 'Load a directory file (JSON or YAML) into the hub',
  help: `Usage: edoc-hub agencies import FILE

Validates FILE against schemas/agency-directory.schema.json and adds or updates
every agency and auditor in it (agencies not in the file are left as they are).

${dbNote}`,
  async run(args, io) {
    const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
    if (positionals.length !== 1) throw new HubError('cli.usage', 'expected exactly one FILE');
    const dir = await loadDirectoryFile(positionals[0]!);
    const { db } = await openStore(io.env);
    try {
      const changed = await importDirectoryChanges(db, operatorActor(), dir);
      io.stdout.write(`${dir.agencies.length} agencies read, ${changed} added or changed\n`);
      return 0;
    } finally {
      await db.close();
    }
  },
};
