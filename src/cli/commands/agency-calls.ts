/**
 * `send`, `inbox`, `fetch`, `ack`, `track`: an agency system's calls, for people
 * and scripts. Each prints the hub's JSON answer (or the bytes, for fetch) and
 * exits 0 on a 2xx answer, 1 otherwise.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CliCommand, CliIo } from '../command.js';
import { callHub, hubClientOptions, type HubAnswer } from '../hub-client.js';
import { HubError } from '../../shared/hub-error.js';

const common = {
  as: { type: 'string' },
  url: { type: 'string' },
  'certs-dir': { type: 'string' },
} as const;

const commonHelp = `  --as ORGANID       the agency whose dev certificate is presented (required)
  --url URL          hub URL (EDOC_HUB_URL, default https://127.0.0.1:8443)
  --certs-dir DIR    certificate folder (EDOC_CERTS_DIR, default ./certs-dev)`;

function print(io: CliIo, a: HubAnswer): number {
  const text = a.body.toString('utf8');
  (a.status < 300 ? io.stdout : io.stderr).write(text.endsWith('\n') ? text : `${text}\n`);
  return a.status >= 200 && a.status < 300 ? 0 : 1;
}

function one(positionals: string[], what: string): string {
  if (positionals.length !== 1) throw new HubError('cli.usage', `expected exactly one ${what}`);
  return positionals[0]!;
}

export const send: CliCommand = {
  name: 'send',
  summary: 'Submit an edXML file to the hub as an agency',
  help: `Usage: edoc-hub send FILE --as ORGANID [--url URL]

Submits the file's exact bytes (POST /v1/messages) presenting the agency's
client certificate. Prints the hub's answer: {id, sha256, kind, from, to,
documentId, acceptedAt, signature} or an error with its code.

Options:
${commonHelp}`,
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, options: common, allowPositionals: true });
    const file = one(positionals, 'FILE');
    const o = hubClientOptions(values, io.env, io.cwd);
    return print(io, await callHub(o, 'POST', '/v1/messages', await readFile(file)));
  },
};

export const inbox: CliCommand = {
  name: 'inbox',
  summary: 'List deliveries waiting for an agency',
  help: `Usage: edoc-hub inbox --as ORGANID [--after CURSOR] [--limit N] [--save DIR]

Lists what waits for the agency's acknowledgement, oldest first (GET /v1/inbox).
With --save, takes the documents too (include=bytes: each counts as fetched)
and writes each one's exact bytes to DIR/<message id>.edxml; the listing then
names the file instead of carrying the bytes.

Options:
  --after CURSOR     continue after this cursor (the "next" of the previous page)
  --limit N          page size (default 100, at most 1000)
  --save DIR         write the documents of the page to DIR (created if missing)
${commonHelp}`,
  async run(args, io) {
    const { values } = parseArgs({ args, options: { ...common, after: { type: 'string' }, limit: { type: 'string' }, save: { type: 'string' } } });
    const o = hubClientOptions(values, io.env, io.cwd);
    const q = new URLSearchParams();
    if (values.after) q.set('after', values.after);
    if (values.limit) q.set('limit', values.limit);
    if (values.save) q.set('include', 'bytes');
    const a = await callHub(o, 'GET', `/v1/inbox${q.size ? `?${q}` : ''}`);
    if (!values.save || a.status !== 200) return print(io, a);
    const dir = resolve(io.cwd, values.save);
    await mkdir(dir, { recursive: true });
    const page = JSON.parse(a.body.toString('utf8')) as { entries: { message: { id: string }; bytes: string | null; file?: string | null }[]; next: string | null };
    for (const e of page.entries) {
      // The id is the hub's UUID; basename() keeps a hostile answer from writing elsewhere.
      const file = e.bytes === null ? null : join(dir, `${basename(e.message.id)}.edxml`);
      if (file) await writeFile(file, Buffer.from(e.bytes!, 'base64'));
      delete (e as { bytes?: string | null }).bytes;
      e.file = file;
    }
    io.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
    return 0;
  },
};

export const fetch: CliCommand = {
  name: 'fetch',
  summary: 'Download the exact bytes of a message',
  help: `Usage: edoc-hub fetch MESSAGE_ID --as ORGANID [--out FILE]

Downloads the message as submitted (GET /v1/messages/:id); a recipient's first
fetch marks its delivery "fetched". Writes to --out or standard output.

Options:
  --out FILE         write the bytes to FILE
${commonHelp}`,
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, options: { ...common, out: { type: 'string' } }, allowPositionals: true });
    const id = one(positionals, 'MESSAGE_ID');
    const o = hubClientOptions(values, io.env, io.cwd);
    const a = await callHub(o, 'GET', `/v1/messages/${encodeURIComponent(id)}`);
    if (a.status !== 200) return print(io, a);
    if (values.out) {
      await writeFile(values.out, a.body);
      io.stderr.write(`${a.body.length} bytes written to ${values.out} (sha256 ${String(a.headers['x-edoc-sha256'])})\n`);
    } else io.stdout.write(a.body);
    return 0;
  },
};

export const ack: CliCommand = {
  name: 'ack',
  summary: 'Acknowledge a delivery (done or fail)',
  help: `Usage: edoc-hub ack DELIVERY_ID --as ORGANID [--fail REASON]

Transport acknowledgement by the recipient (POST /v1/deliveries/:id/ack):
"done" by default, or "fail" with a reason that is reported to the sender.

Options:
  --fail REASON      acknowledge as failed, with this reason
${commonHelp}`,
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, options: { ...common, fail: { type: 'string' } }, allowPositionals: true });
    const id = one(positionals, 'DELIVERY_ID');
    const o = hubClientOptions(values, io.env, io.cwd);
    const body = values.fail !== undefined ? { result: 'fail', reason: values.fail } : { result: 'done' };
    return print(io, await callHub(o, 'POST', `/v1/deliveries/${encodeURIComponent(id)}/ack`, Buffer.from(JSON.stringify(body)), 'application/json'));
  },
};

export const track: CliCommand = {
  name: 'track',
  summary: 'Show per-recipient tracking of a message',
  help: `Usage: edoc-hub track MESSAGE_ID --as ORGANID

Per recipient: delivery state, attempts, times, business statuses (01–16) and
Decision 28 deadlines (GET /v1/messages/:id/tracking).

Options:
${commonHelp}`,
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, options: common, allowPositionals: true });
    const id = one(positionals, 'MESSAGE_ID');
    const o = hubClientOptions(values, io.env, io.cwd);
    return print(io, await callHub(o, 'GET', `/v1/messages/${encodeURIComponent(id)}/tracking`));
  },
};
