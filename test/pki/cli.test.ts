import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCliInProcess } from '../helpers/run-cli.js';
import { loadHubSigner } from '../../src/pki/receipts/hub-signer.js';
import { buildReceipt } from '../../src/pki/receipts/receipt.js';
import { sampleEdxml } from './helpers/sample-edxml.js';

const cwd = mkdtempSync(path.join(tmpdir(), 'edoc-pki-cli-'));
t.teardown(() => rmSync(cwd, { recursive: true, force: true }));

const run = (...argv: string[]) => runCliInProcess(argv, { cwd });

t.test('every command has a full --help', async (t) => {
  for (const c of ['certs init', 'certs list', 'certs add', 'certs revoke', 'sign', 'verify', 'receipt verify']) {
    const r = await run(...c.split(' '), '--help');
    t.equal(r.code, 0);
    t.match(r.stdout, new RegExp(`^Usage: edoc-hub ${c}`), c);
    t.match(r.stdout, /Examples:/);
  }
});

t.test('init, sign, verify, tamper, revoke, rotate, list', async (t) => {
  const init = await run('certs', 'init', '--no-directory', '--organ', '000.00.00.G22', '--organ', '000.00.00.H29');
  t.equal(init.code, 0, init.stderr);
  t.match(init.stdout, /files written/);
  t.match((await run('certs', 'init', '--no-directory', '--organ', '000.00.00.G22')).stdout, /nothing to do/);

  writeFileSync(path.join(cwd, 'm.edxml'), sampleEdxml());
  t.equal((await run('sign', 'm.edxml', '--as', '000.00.00.G22', '--out', 's.edxml', '--c14n', 'inclusive')).code, 0);
  const ok = await run('verify', 's.edxml');
  t.equal(ok.code, 0, ok.stdout);
  t.match(JSON.parse(ok.stdout), { status: 'valid', from: '000.00.00.G22', signer: { algorithm: 'rsa-sha256', organIds: ['000.00.00.G22'] } });

  writeFileSync(path.join(cwd, 't.edxml'), readFileSync(path.join(cwd, 's.edxml'), 'utf8').replace('triển khai', 'hủy bỏ'));
  const bad = await run('verify', 't.edxml');
  t.equal(bad.code, 1);
  t.match(JSON.parse(bad.stdout), { status: 'invalid', code: 'pki.bad_digest' });

  const other = await run('sign', 'm.edxml', '--as', '000.00.00.H29', '--out', 'o.edxml');
  t.equal(other.code, 0);
  t.match(JSON.parse((await run('verify', 'o.edxml')).stdout), { code: 'pki.wrong_agency' });
  t.match(JSON.parse((await run('verify', 'm.edxml')).stdout), { status: 'missing' });
  t.equal((await run('sign', 'm.edxml', '--as', '000.00.00.G22', '--alg', 'rsa-sha1', '--out', 'sha1.edxml')).code, 0);
  t.match(JSON.parse((await run('verify', 'sha1.edxml')).stdout), { code: 'pki.weak_algorithm' });
  t.equal((await run('verify', 'sha1.edxml', '--allow-sha1')).code, 0);
  // The directory's policy: legacy algorithms allowed, and H29's certificate pinned for G22.
  const h29 = JSON.parse((await run('certs', 'list', '--json')).stdout) as { file: string; fingerprint256: string }[];
  const pin = h29.find((r) => r.file === 'agencies/000.00.00.H29/cert.pem')!.fingerprint256;
  writeFileSync(path.join(cwd, 'dir.yaml'), `agencies:\n  - organId: 000.00.00.G22\n    name: VPCP\n    allowLegacyAlgorithms: true\n    certificates: ["${pin}"]\n`);
  t.equal((await run('verify', 'sha1.edxml', '--directory', 'dir.yaml')).code, 0, 'SHA-1 allowed by the directory');
  t.equal((await run('verify', 'o.edxml', '--directory', 'dir.yaml')).code, 0, 'pinned certificate accepted');

  const add = await run('certs', 'add', '000.00.00.G22', '--ecdsa');
  t.equal(add.code, 0);
  t.match(add.stdout, /cert-2\.pem/);
  t.equal((await run('sign', 'm.edxml', '--as', '000.00.00.G22', '--key', 'certs-dev/agencies/000.00.00.G22/key-2.pem', '--cert', 'certs-dev/agencies/000.00.00.G22/cert-2.pem', '--out', 'ec.edxml')).code, 0);
  t.match(JSON.parse((await run('verify', 'ec.edxml')).stdout), { status: 'valid', signer: { algorithm: 'ecdsa-sha256' } });

  const rev = await run('certs', 'revoke', 'certs-dev/agencies/000.00.00.G22/cert.pem');
  t.equal(rev.code, 0, rev.stderr);
  t.match(JSON.parse((await run('verify', 's.edxml')).stdout), { status: 'invalid', code: 'pki.cert_revoked' });
  t.match(JSON.parse((await run('verify', 'ec.edxml')).stdout), { status: 'valid' }, 'the rotated certificate still works');
  const list = JSON.parse((await run('certs', 'list', '--json')).stdout) as { file: string; revoked: boolean }[];
  t.same(list.filter((r) => r.revoked).map((r) => r.file), ['agencies/000.00.00.G22/cert.pem']);
  t.equal(list.filter((r) => r.file.startsWith('agencies/000.00.00.G22/')).length, 2);

  t.equal((await run('sign', 'm.edxml')).code, 2, 'usage error without --as');
  t.equal((await run('verify', 'nope.edxml', '--as-of', 'yesterday')).code, 2);
});

t.test('receipt verify, in process and through the real binary entry point', async (t) => {
  const receipt = buildReceipt({ messageId: 'm-1', sha256: 'ab'.repeat(32) }, loadHubSigner(path.join(cwd, 'certs-dev')));
  writeFileSync(path.join(cwd, 'r.eml'), receipt.bytes);
  const good = await run('receipt', 'verify', 'r.eml');
  t.equal(good.code, 0);
  t.match(JSON.parse(good.stdout), { ok: true, content: { messageId: 'm-1' } });
  writeFileSync(path.join(cwd, 'bad.eml'), receipt.bytes.toString('latin1').replace('m-1', 'm-2'), 'latin1');
  t.equal((await run('receipt', 'verify', 'bad.eml')).code, 1);
  const tsx = path.resolve('node_modules/tsx/dist/esm/index.mjs');
  const r = spawnSync(process.execPath, ['--import', `file://${tsx}`, path.resolve('src/cli/main.ts'), 'receipt', 'verify', 'r.eml'], { cwd, encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
});
