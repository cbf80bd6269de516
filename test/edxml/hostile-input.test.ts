/**
 * Hostile inputs, generated here: each must be refused with its own code, never
 * read a file or the network, never exhaust the stack, and never throw anything
 * but a HubError.
 */
import t from 'tap';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readEdxml } from '../../src/edxml/read-edxml.js';
import { parseXml } from '../../src/edxml/xml/parse-xml.js';
import { EDXML_NS } from '../../src/edxml/types.js';
import { isHubError } from '../../src/shared/hub-error.js';
import { errorOf } from './helpers/error-of.js';
import { prng } from '../helpers/prng.js';

const fixture = readFileSync(new URL('../fixtures/edxml/edoc-attachments-crlf-bom.edxml', import.meta.url));
const status = readFileSync(new URL('../fixtures/edxml/status-05.edxml', import.meta.url), 'utf8');
const read = (s: string | Buffer) => readEdxml(typeof s === 'string' ? Buffer.from(s) : s);

t.test('XXE to a local file: refused, the file content appears nowhere', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'edxml-xxe-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const secret = `SECRET-${Math.random().toString(36).slice(2)}`;
  const path = join(dir, 'secret.txt');
  writeFileSync(path, secret);
  const withDoctype = `<?xml version="1.0"?>\n<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "${pathToFileURL(path).href}">]>\n<edXML xmlns="${EDXML_NS}">&xxe;</edXML>`;
  const e = errorOf(() => read(withDoctype));
  t.equal(e.code, 'edxml.dtd_forbidden');
  t.equal(e.line, 2);
  t.notMatch(JSON.stringify({ ...e.toJSON(), message: e.message, stack: e.stack }), secret);
  // The reference alone, without its declaration, is an undefined entity.
  const bare = status.replace('<edXML:Description>', '<edXML:Description>&xxe;');
  const e2 = errorOf(() => read(bare));
  t.equal(e2.code, 'edxml.undefined_entity');
  t.notMatch(e2.message, secret);
});

t.test('external DTD on a local HTTP server: refused, the server gets no request', async (t) => {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests++;
    res.end('<!ENTITY x "pwned">');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as { port: number };
  const url = `http://127.0.0.1:${port}/evil.dtd`;
  const inputs = [
    `<?xml version="1.0"?><!DOCTYPE edXML SYSTEM "${url}"><edXML xmlns="${EDXML_NS}">&x;</edXML>`,
    `<?xml version="1.0"?><!DOCTYPE edXML PUBLIC "-//X//Y" "${url}"><edXML xmlns="${EDXML_NS}"/>`,
    `<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY % p SYSTEM "${url}"> %p;]><edXML xmlns="${EDXML_NS}"/>`,
  ];
  for (const input of inputs) t.equal(errorOf(() => read(input)).code, 'edxml.dtd_forbidden');
  // Give any stray connection a moment to arrive before counting.
  await new Promise((resolve) => setTimeout(resolve, 100));
  t.equal(requests, 0, 'no request reached the server');
});

t.test('billion laughs and parameter entities', async (t) => {
  const levels = Array.from({ length: 10 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('\n');
  const laughs = `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol0 "lol">\n${levels}\n]>\n<edXML xmlns="${EDXML_NS}">&lol10;</edXML>`;
  t.equal(errorOf(() => read(laughs)).code, 'edxml.dtd_forbidden');
  const param = `<!DOCTYPE x [<!ENTITY % a "<!ENTITY b 'c'>"> %a;]><x>&b;</x>`;
  t.equal(errorOf(() => read(param)).code, 'edxml.dtd_forbidden');
  // An entity declaration smuggled into content is refused too.
  t.equal(errorOf(() => read(`<edXML xmlns="${EDXML_NS}"><!ENTITY a "b"></edXML>`)).code, 'edxml.dtd_forbidden');
});

t.test('200k nesting: too_deep early, and no stack overflow even with a huge limit', async (t) => {
  const n = 200_000;
  const deep = Buffer.from(`${'<a>'.repeat(n)}${'</a>'.repeat(n)}`);
  const e = errorOf(() => readEdxml(deep));
  t.equal(e.code, 'edxml.too_deep');
  t.same([e.line, e.column], [1, 64 * 3 + 1], 'stops at the first element past the limit');
  // The parser is iterative: raising the limit parses it without recursion.
  const doc = parseXml(deep, { maxBytes: deep.length, maxDepth: n, maxNodes: n });
  t.equal(doc.root.localName, 'a');
  t.equal(errorOf(() => readEdxml(deep, { maxDepth: n, maxNodes: n })).code, 'edxml.not_edxml_root', 'the reader walks it without recursion too');
});

t.test('truncated input at every cut point: a HubError each time', async (t) => {
  let refused = 0;
  const trailing = fixture.length - fixture.lastIndexOf('</edXML>') - '</edXML>'.length;
  for (let cut = 0; cut < fixture.length; cut++) {
    const piece = fixture.subarray(0, cut);
    try {
      readEdxml(piece);
      // Only a cut inside the final line break leaves a complete document.
      if (cut < fixture.length - trailing) t.fail(`cut at ${cut} was accepted`);
    } catch (e) {
      if (!isHubError(e)) {
        t.fail(`cut at ${cut} threw ${String(e)}`);
        continue;
      }
      refused++;
    }
  }
  t.equal(refused, fixture.length - trailing, 'every cut before the end of the root is refused');
});

t.test('random byte flips never throw anything but a HubError', async (t) => {
  const rnd = prng(20261123);
  let accepted = 0;
  let refused = 0;
  for (let i = 0; i < 3000; i++) {
    const copy = Buffer.from(fixture);
    const flips = 1 + Math.floor(rnd() * 3);
    for (let f = 0; f < flips; f++) copy[Math.floor(rnd() * copy.length)] = Math.floor(rnd() * 256);
    try {
      readEdxml(copy);
      accepted++;
    } catch (e) {
      if (!isHubError(e)) {
        t.fail(`iteration ${i} threw ${String(e)}`);
        break;
      }
      if (typeof e.code !== 'string' || !e.code.startsWith('edxml.')) t.fail(`iteration ${i}: code ${e.code}`);
      refused++;
    }
  }
  t.equal(accepted + refused, 3000);
  t.ok(refused > 0, `${refused} refused, ${accepted} accepted (flips inside text may stay valid)`);
});

t.test('non-XML bytes, empty body, wrong root, wrong namespace, invalid UTF-8, size', async (t) => {
  const rnd = prng(7);
  const binary = Buffer.from(Array.from({ length: 4096 }, () => Math.floor(rnd() * 256)));
  t.equal(errorOf(() => readEdxml(binary)).code, 'edxml.invalid_encoding');
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
  t.equal(errorOf(() => readEdxml(png)).code, 'edxml.invalid_encoding');
  t.equal(errorOf(() => read('{"from":"000.00.00.G22"}')).code, 'edxml.not_well_formed');
  t.equal(errorOf(() => read('%PDF-1.7\n')).code, 'edxml.not_well_formed');
  t.equal(errorOf(() => read('')).code, 'edxml.empty');
  t.equal(errorOf(() => read('\r\n\t ')).code, 'edxml.empty');

  const wrongNs = status.replace('<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">', '<edXML xmlns="http://example.org/not-edxml">');
  const e = errorOf(() => read(wrongNs));
  t.equal(e.code, 'edxml.not_edxml_root');
  t.equal(e.line, 2);
  t.equal(errorOf(() => read(`<Envelope xmlns="${EDXML_NS}"/>`)).code, 'edxml.not_edxml_root');
  t.equal(errorOf(() => read('<edXML/>')).code, 'edxml.not_edxml_root', 'no namespace at all');

  const bad = Buffer.concat([Buffer.from(status.slice(0, 300)), Buffer.from([0xe1, 0x80]), Buffer.from(status.slice(300))]);
  const u = errorOf(() => readEdxml(bad));
  t.equal(u.code, 'edxml.invalid_encoding');
  t.ok(u.line !== undefined && u.line > 1, 'names the line of the bad bytes');

  const big = Buffer.from(status);
  const s = errorOf(() => readEdxml(big, { maxBytes: big.length - 1 }));
  t.equal(s.code, 'edxml.too_large');
  t.equal(s.status, 413);
  t.equal(readEdxml(big, { maxBytes: big.length }).kind, 'status', 'exactly the limit is fine');
});

t.test('node floods: many elements, many attributes', async (t) => {
  // 150k empty elements on one line (600 KB): refused by the node limit, not by memory.
  const flood = Buffer.from(`<edXML xmlns="${EDXML_NS}">${'<a/>'.repeat(150_000)}</edXML>`);
  const e = errorOf(() => readEdxml(flood));
  t.equal(e.code, 'edxml.too_many_nodes');
  t.equal(e.line, 1);
  t.equal(errorOf(() => readEdxml(flood, { maxNodes: 1000 })).code, 'edxml.too_many_nodes');
  t.equal(errorOf(() => readEdxml(flood, { maxNodes: 200_000 })).code, 'edxml.missing_message_header', 'a higher limit lets it through');
  const attrs = Buffer.from(`<edXML xmlns="${EDXML_NS}" ${Array.from({ length: 150_000 }, (_, i) => `a${i}=""`).join(' ')}/>`);
  t.equal(errorOf(() => readEdxml(attrs)).code, 'edxml.too_many_nodes');
  const dup = Buffer.from(`<edXML xmlns="${EDXML_NS}" ${Array.from({ length: 20 }, (_, i) => `a${i}=""`).join(' ')} a13="x"/>`);
  t.equal(errorOf(() => readEdxml(dup)).code, 'edxml.not_well_formed', 'a duplicate among many attributes is still found');
});

t.test('undeclared prefix: line and column of the element', async (t) => {
  const input = status.replace('<edXML:StatusCode>05</edXML:StatusCode>', '<ns9:StatusCode>05</ns9:StatusCode>');
  const e = errorOf(() => read(input));
  t.equal(e.code, 'edxml.undeclared_prefix');
  t.same([e.line, e.column], [20, 9]);
  t.match(e.message, /"ns9".*<ns9:StatusCode>/);
});
