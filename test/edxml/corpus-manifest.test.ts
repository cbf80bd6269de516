/**
 * The MANIFEST test: every row of the real corpus (../shared/corpus/real) and of
 * our own fixtures is read by the library AND by the real CLI
 * (`node --import tsx src/cli/main.ts inspect FILE --json`), and both must say
 * exactly what the manifest says, or reject naming the manifest's line.
 */
import t from 'tap';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { readEdxml } from '../../src/edxml/read-edxml.js';
import { isHubError } from '../../src/shared/hub-error.js';
import { inspectSummary } from '../../src/cli/commands/inspect.js';
import { expectedView, manifestView, readManifest, type ManifestRow } from './helpers/manifest.js';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const corpusDir = new URL('../../../shared/corpus/real/', import.meta.url);
const fixtureDir = new URL('../fixtures/edxml/', import.meta.url);

async function cli(file: string): Promise<{ code: number; json: Record<string, unknown> }> {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'inspect', file, '--json'], { cwd: repoRoot });
    return { code: 0, json: JSON.parse(stdout) as Record<string, unknown> };
  } catch (e) {
    const err = e as { code?: number; stdout?: string };
    if (typeof err.code !== 'number' || !err.stdout) throw e;
    return { code: err.code, json: JSON.parse(err.stdout) as Record<string, unknown> };
  }
}

function checkSet(name: string, dir: URL, rows: ManifestRow[]): void {
  t.test(`${name}: library`, async (t) => {
    t.ok(rows.length >= 6, 'manifest has rows');
    t.equal(rows.filter((r) => r.expect === 'reject').length, 2, 'two reject rows');
    for (const row of rows) {
      const bytes = readFileSync(new URL(row.file, dir));
      if (row.expect === 'accept') {
        const m = readEdxml(bytes);
        const view = manifestView(inspectSummary(m) as Parameters<typeof manifestView>[0]);
        t.same(view, expectedView(row, (view as { businessDocType: unknown }).businessDocType), row.file);
      } else {
        let err: unknown = null;
        try {
          readEdxml(bytes);
        } catch (e) {
          err = e;
        }
        t.ok(isHubError(err), `${row.file} is rejected with a HubError`);
        t.equal(isHubError(err) ? err.line : null, row.rejectLine, `${row.file} names line ${row.rejectLine}`);
      }
    }
  });

  t.test(`${name}: edoc-hub inspect --json (subprocess)`, async (t) => {
    // Two at a time: the machine has two cores.
    const queue = [...rows];
    const worker = async (): Promise<void> => {
      for (let row = queue.shift(); row; row = queue.shift()) {
        const { code, json } = await cli(fileURLToPath(new URL(row.file, dir)));
        if (row.expect === 'accept') {
          t.equal(code, 0, `${row.file} exits 0`);
          t.equal(json.ok, true);
          t.same(manifestView(json as Parameters<typeof manifestView>[0]), expectedView(row, json.businessDocType), row.file);
        } else {
          t.equal(code, 1, `${row.file} exits 1`);
          t.equal(json.ok, false);
          const error = json.error as { code: string; line: number; message: string };
          t.match(error.code, /^edxml\./, `${row.file} has an edxml code`);
          t.equal(error.line, row.rejectLine, `${row.file} names line ${row.rejectLine}`);
          t.match(error.message, new RegExp(`line ${row.rejectLine}\\b`), 'the message says where');
        }
      }
    };
    await Promise.all([worker(), worker()]);
  });
}

if (existsSync(new URL('MANIFEST.tsv', corpusDir))) {
  checkSet('real corpus', corpusDir, readManifest(corpusDir));
} else {
  t.comment(`SKIP real corpus: ${fileURLToPath(corpusDir)} is absent; only the project's fixtures are checked`);
}
checkSet('project fixtures', fixtureDir, readManifest(fixtureDir));

t.test('the corpus reject rows fail for the reasons the domain notes give', async (t) => {
  const cases: [string, string][] = [
    ['reject-text-before-declaration.edxml', 'edxml.not_well_formed'],
    ['reject-undeclared-prefix.edxml', 'edxml.undeclared_prefix'],
  ];
  for (const [file, code] of cases) {
    t.throws(() => readEdxml(readFileSync(new URL(file, fixtureDir))), { code }, file);
  }
});
