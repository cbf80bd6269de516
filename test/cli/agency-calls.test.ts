import t from 'tap';
import { fileURLToPath } from 'node:url';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestHub } from '../helpers/test-hub.js';
import { runCli } from '../helpers/run-cli.js';
import { TEST_CERTS_DIR } from '../helpers/test-certs.js';

const doc = fileURLToPath(new URL('../fixtures/edxml/edoc-replacement.edxml', import.meta.url));

t.test('send, inbox, fetch, ack and track from the command line', async (t) => {
  const hub = await startTestHub();
  t.teardown(() => hub.close());
  await hub.setAgency('000.00.00.G22', { signaturePolicy: 'lenient' });
  const common = ['--url', hub.url, '--certs-dir', TEST_CERTS_DIR];

  const sent = await runCli(['send', doc, '--as', '000.00.00.G22', ...common]);
  t.equal(sent.code, 0, sent.stderr);
  const { id } = JSON.parse(sent.stdout) as { id: string };

  const inbox = await runCli(['inbox', '--as', '000.00.00.H41', ...common]);
  t.equal(inbox.code, 0, inbox.stderr);
  const entry = (JSON.parse(inbox.stdout) as { entries: { deliveryId: string; message: { id: string } }[] }).entries[0]!;
  t.equal(entry.message.id, id);

  const fetched = await runCli(['fetch', id, '--as', '000.00.00.H41', ...common]);
  t.equal(fetched.code, 0);
  t.match(fetched.stdout, /<edXML/);

  const acked = await runCli(['ack', entry.deliveryId, '--as', '000.00.00.H41', ...common]);
  t.equal(acked.code, 0, acked.stderr);
  t.equal((JSON.parse(acked.stdout) as { state: string }).state, 'acknowledged');

  const tracked = await runCli(['track', id, '--as', '000.00.00.G22', ...common]);
  t.equal(tracked.code, 0);
  t.equal((JSON.parse(tracked.stdout) as { recipients: unknown[] }).recipients.length, 3);

  const refused = await runCli(['fetch', id, '--as', '000.00.00.H29', ...common]);
  t.equal(refused.code, 1, 'another agency gets an error and exit 1');
  t.match(refused.stderr, /exchange.not_found/);

  // --save: the page's documents written to a folder, each delivery counted as fetched.
  const dir = await mkdtemp(join(tmpdir(), 'edoc-inbox-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const saved = await runCli(['inbox', '--as', '000.00.00.H14', '--save', join(dir, 'in'), ...common]);
  t.equal(saved.code, 0, saved.stderr);
  const savedEntry = (JSON.parse(saved.stdout) as { entries: { state: string; file: string; bytes?: string; message: { id: string } }[] }).entries[0]!;
  t.equal(savedEntry.file, join(dir, 'in', `${id}.edxml`), 'the listing names the file');
  t.equal(savedEntry.bytes, undefined, 'and does not repeat the bytes');
  t.equal(savedEntry.state, 'fetched');
  t.ok((await readFile(savedEntry.file)).equals(await readFile(doc)), 'the exact bytes as sent');

  const missing = await runCli(['send', doc, ...common]);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /--as ORGANID is required/);
});

t.test('every command has --help', async (t) => {
  for (const cmd of ['start', 'send', 'inbox', 'fetch', 'ack', 'track']) {
    const r = await runCli([cmd, '--help']);
    t.equal(r.code, 0, cmd);
    t.match(r.stdout, new RegExp(`Usage: edoc-hub ${cmd}`), `${cmd} --help shows its usage`);
  }
  const top = await runCli(['--help']);
  t.equal(top.code, 0);
  t.match(top.stdout, /Commands:/);
});
