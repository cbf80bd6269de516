/** `edoc-hub inspect` through the CLI dispatcher, in process, with captured output. */
import t from 'tap';
import { fileURLToPath } from 'node:url';
import { runCliInProcess } from '../helpers/run-cli.js';

const fixtureDir = fileURLToPath(new URL('../fixtures/edxml/', import.meta.url));

const cli = (args: string[]) => runCliInProcess(args, { cwd: fixtureDir });

t.test('a readable summary for a clerk', async (t) => {
  const r = await cli(['inspect', 'edoc-attachments-crlf-bom.edxml']);
  t.equal(r.code, 0);
  t.match(r.stdout, 'accepted — document (edoc)');
  t.match(r.stdout, /From: +000\.00\.11\.H53 \(Sở Tài chính Tây Ninh & Kho bạc\)/);
  t.match(r.stdout, /To: +000\.00\.01\.A53, 000\.00\.00\.G12/);
  t.match(r.stdout, /Attachments: +2/);
  t.match(r.stdout, /thu-nhat\.txt +text\/plain +\d+ bytes +sha256 [0-9a-f]{64}/);
  const s = await cli(['inspect', 'status-05.edxml']);
  t.match(s.stdout, /Status: +05 being processed/);
  const rejected = await cli(['inspect', 'reject-undeclared-prefix.edxml']);
  t.equal(rejected.code, 1);
  t.match(rejected.stdout, /refused \[edxml\.undeclared_prefix\]\n.*line 34, column 26/);
});

t.test('--json', async (t) => {
  const r = await cli(['inspect', 'status-05.edxml', '--json']);
  t.equal(r.code, 0);
  t.equal(r.stdout.trim().split('\n').length, 1, 'one line');
  t.match(JSON.parse(r.stdout), {
    ok: true,
    kind: 'status',
    from: '000.00.00.H41',
    to: ['000.00.00.G22'],
    statusCode: '05',
    businessDocType: null,
    attachments: 0,
    timestampIso: '2018-09-28T10:25:11.000Z',
  });
  const rej = await cli(['inspect', 'reject-text-before-declaration.edxml', '--json']);
  t.equal(rej.code, 1);
  t.match(JSON.parse(rej.stdout), { ok: false, error: { code: 'edxml.not_well_formed', line: 1, column: 1 } });
});

t.test('--max-bytes and --max-depth', async (t) => {
  const r = await cli(['inspect', 'status-05.edxml', '--json', '--max-bytes', '100']);
  t.equal(r.code, 1);
  t.match(JSON.parse(r.stdout), { ok: false, error: { code: 'edxml.too_large' } });
  const d = await cli(['inspect', 'status-05.edxml', '--json', '--max-depth', '3']);
  t.match(JSON.parse(d.stdout), { ok: false, error: { code: 'edxml.too_deep' } });
  const bad = await cli(['inspect', 'status-05.edxml', '--max-bytes', 'lots']);
  t.equal(bad.code, 2);
  t.match(bad.stderr, '--max-bytes must be a positive integer');
});

t.test('unreadable file, missing argument, help', async (t) => {
  const r = await cli(['inspect', 'no-such-file.edxml', '--json']);
  t.equal(r.code, 1);
  t.match(JSON.parse(r.stdout), { ok: false, error: { code: 'cli.file_unreadable', message: /no-such-file\.edxml: no such file/ } });
  const human = await cli(['inspect', 'no-such-file.edxml']);
  t.equal(human.code, 1);
  t.match(human.stdout, 'Cannot read no-such-file.edxml');
  const none = await cli(['inspect']);
  t.equal(none.code, 2);
  t.match(none.stderr, 'give exactly one FILE');
  const help = await cli(['inspect', '--help']);
  t.equal(help.code, 0);
  t.match(help.stdout, /^Usage: edoc-hub inspect FILE/);
});
