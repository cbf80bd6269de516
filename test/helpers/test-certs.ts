/**
 * Development certificates for the test suite, made once per run under
 * test-output/certs-dev (git-ignored) for every demo agency. Made by
 * test/setup-certs.ts before the tests start (tap's `before`), and on demand
 * (guarded by a lock directory) when a single test file runs alone.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadDirectoryFile } from '../../src/directory/load-directory-file.js';
import { initDevPki } from '../../src/pki/dev-pki.js';
import { devPkiLayout } from '../../src/pki/dev-pki-layout.js';

export const TEST_CERTS_DIR = fileURLToPath(new URL('../../test-output/certs-dev', import.meta.url));

/** Extra agencies used by tests beyond the demo directory. */
export const TEST_ONLY_AGENCIES = [{ organId: 'test.push.01', name: 'Push test agency' }];

export async function ensureTestCerts(): Promise<string> {
  const lock = `${TEST_CERTS_DIR}.lock`;
  // Versioned: a folder made before the dev PKI changed (v2: the hub signing certificate's SAN URI) is completed again.
  const ready = `${TEST_CERTS_DIR}/.ready-v2`;
  if (existsSync(ready)) return TEST_CERTS_DIR;
  mkdirSync(new URL('../../test-output/', import.meta.url), { recursive: true });
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (existsSync(ready)) return TEST_CERTS_DIR;
      if (i > 600) throw new Error(`test certificates: lock ${lock} held too long; remove it`, { cause: e });
      await sleep(200);
    }
  }
  try {
    if (!existsSync(ready)) {
      const dir = await loadDirectoryFile();
      initDevPki({
        certsDir: TEST_CERTS_DIR,
        agencies: [...dir.agencies.map((a) => ({ organId: a.organId, name: a.name })), ...TEST_ONLY_AGENCIES],
      });
      mkdirSync(ready, { recursive: true });
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return TEST_CERTS_DIR;
}

export function testLayout() {
  return devPkiLayout(TEST_CERTS_DIR);
}
