import t from 'tap';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { loadDirectoryFile, parseDirectory } from '../../src/directory/load-directory-file.js';

const corpus = new URL('../../../shared/corpus/real/', import.meta.url);
const noCorpus = existsSync(corpus) ? false : '../shared/corpus/real is absent';

t.test('the demo directory loads with defaults filled', async (t) => {
  const d = await loadDirectoryFile();
  const g22 = d.agencies.find((a) => a.organId === '000.00.00.G22');
  t.ok(g22);
  t.same(g22!.delivery, { mode: 'pull' });
  t.equal(g22!.signaturePolicy, 'required');
  for (const id of ['vxp.saas.02', 'vxp.saas.03', '000.00.00.H41', '000.00.00.H14', '000.00.00.G17']) {
    t.ok(d.agencies.some((a) => a.organId === id), `${id} present`);
  }
  t.same(d.auditors.map((a) => a.name), ['auditor-1']);
});

t.test('the demo directory knows every OrganId of the corpus', { skip: noCorpus }, async (t) => {
  const files = (await readdir(corpus)).filter((f) => f.endsWith('.edxml'));
  const d = await loadDirectoryFile();
  const known = new Set(d.agencies.map((a) => a.organId));
  const ids = new Set<string>();
  for (const f of files) {
    const text = await readFile(new URL(f, corpus), 'utf8');
    for (const m of text.matchAll(/OrganId>([^<\s]+)</g)) if (m[1] !== 'null') ids.add(m[1]!);
  }
  t.ok(ids.size > 5);
  for (const id of ids) t.ok(known.has(id), `${id} is in the demo directory`);
});

t.test('bad directories are refused with the path at fault', async (t) => {
  await t.rejects(parseDirectory('agencies: [{ organId: "a b", name: x }]'), { code: 'directory.invalid_file', message: /organId/ });
  await t.rejects(parseDirectory('agencies: [{ organId: A1, name: x, delivery: { mode: push } }]'), { code: 'directory.invalid_file' });
  await t.rejects(parseDirectory('agencies: [{ organId: A1, name: x }, { organId: A1, name: y }]'), { code: 'directory.duplicate_agency' });
  await t.rejects(parseDirectory('agencies: [{ organId: A1, name: x, parent: Z9 }]'), { code: 'directory.unknown_parent' });
  await t.rejects(parseDirectory('{ not yaml: ['), { code: 'directory.invalid_file' });
  const ok = await parseDirectory('{"agencies":[{"organId":"A1","name":"x","delivery":{"mode":"push","endpoint":"https://a.example/in"}}]}');
  t.same(ok.agencies[0]!.delivery, { mode: 'push', endpoint: 'https://a.example/in' });
});
