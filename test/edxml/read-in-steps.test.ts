/**
 * readEdxmlDocumentInSteps (large submissions: attachment digests taken a
 * step at a time) reads every message exactly as readEdxmlDocument does —
 * the corpus, the fixtures and generated messages with references, skipped
 * characters and warnings between attachments — and refuses what it refuses.
 */
import t from 'tap';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { buildEdoc } from '../../src/edxml/build-edxml.js';
import { readEdxmlDocument, readEdxmlDocumentInSteps } from '../../src/edxml/read-edxml.js';
import { isHubError } from '../../src/shared/hub-error.js';

const dirs = [new URL('../../../shared/corpus/real/', import.meta.url), new URL('../fixtures/edxml/', import.meta.url)].filter((d) => existsSync(d));

function atOnce(bytes: Buffer): unknown {
  try {
    return readEdxmlDocument(bytes).message;
  } catch (e) {
    if (isHubError(e)) return { refused: e.code };
    throw e;
  }
}

async function inSteps(bytes: Buffer, count?: { steps: number }): Promise<unknown> {
  try {
    const between = (): Promise<void> => {
      if (count) count.steps++;
      return new Promise((resolve) => setImmediate(resolve));
    };
    return (await readEdxmlDocumentInSteps(bytes, {}, between)).message;
  } catch (e) {
    if (isHubError(e)) return { refused: e.code };
    throw e;
  }
}

t.test('the corpus and fixtures: the same message, or the same refusal', async (t) => {
  let n = 0;
  for (const dir of dirs) {
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.edxml'))) {
      const bytes = readFileSync(new URL(name, dir));
      t.same(await inSteps(bytes), atOnce(bytes), name);
      n++;
    }
  }
  t.ok(n >= 8, `${n} files compared`);
});

t.test('generated: large and odd attachments, warnings in their places', async (t) => {
  const xml = buildEdoc({
    from: { organId: '000.00.00.G22' },
    to: [{ organId: '000.00.00.H41' }],
    documentId: '000.00.00.G22,2026/12/01,5/STEPS',
    subject: 'Nhiều tệp',
    attachments: [
      { contentId: 'a', attachmentName: 'a.pdf', contentType: 'application/pdf', data: randomBytes(900_000) },
      { contentId: 'b', attachmentName: 'b.pdf', contentType: 'application/pdf', data: randomBytes(1_000) },
      { contentId: 'c', attachmentName: 'c.pdf', contentType: 'application/pdf', data: randomBytes(600_000) },
    ],
  }).toString('utf8');
  let i = 0;
  // The first attachment gets a stray character and references, the third a stray character; a bad Priority warns after them (read later).
  const odd = xml
    .replace(/(<ContentTransferEncoded[^>]*>)([^<]*)/g, (_all, open: string, b64: string) => {
      i++;
      if (i === 1) return `${open}${b64.slice(0, 5000)}*${b64.slice(5000).replace(/\+/g, '&#43;')}`;
      if (i === 3) return `${open}${b64.slice(0, 100)}%${b64.slice(100)}`;
      return `${open}${b64}`;
    })
    .replace('</edXML:MessageHeader>', '<edXML:OtherInfo><edXML:Priority>soon</edXML:Priority></edXML:OtherInfo></edXML:MessageHeader>');
  t.equal(i, 3, 'three attachments rewritten');
  const bytes = Buffer.from(odd, 'utf8');
  const once = atOnce(bytes) as { warnings: string[] };
  t.match(once.warnings, [/^Attachment cid:a has characters outside base64/, /^Attachment cid:c has characters outside base64/, /^Priority "soon"/], 'two attachments warn, then the Priority');
  const count = { steps: 0 };
  t.same(await inSteps(bytes, count), once, 'the same message, warnings in the same order');
  t.ok(count.steps >= 5, `${count.steps} turns of the event loop given up on the way`);

  const refused = Buffer.from(odd.replace(/<edXML:DocumentId>[^<]*<\/edXML:DocumentId>/, ''), 'utf8');
  const noSteps = { steps: 0 };
  t.same(await inSteps(refused, noSteps), atOnce(refused), 'the same refusal');
  t.match(atOnce(refused), { refused: /^edxml\./ });
  t.equal(noSteps.steps, 0, 'refused before any digest is taken');
});
