/**
 * schemas/: every accepted corpus file (or fixture) validates against the
 * envelope XSD (xmllint-wasm), and the reader's output of each validates against
 * the JSON Schema of the parsed message (ajv). Negative cases prove both can fail.
 */
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { validateXML } from 'xmllint-wasm';
import { buildEdoc, buildStatus } from '../../src/edxml/build-edxml.js';
import { readEdxml } from '../../src/edxml/read-edxml.js';
import { readManifest } from './helpers/manifest.js';

const xsd = readFileSync(new URL('../../schemas/edxml-envelope.xsd', import.meta.url), 'utf8');
const jsonSchema = JSON.parse(readFileSync(new URL('../../schemas/edxml-message.schema.json', import.meta.url), 'utf8')) as object;
const validateJson = new Ajv({ allErrors: true, strict: true }).compile(jsonSchema);
const corpusDir = new URL('../../../shared/corpus/real/', import.meta.url);
const fixtureDir = new URL('../fixtures/edxml/', import.meta.url);

async function xsdErrors(fileName: string, contents: string): Promise<string[]> {
  const result = await validateXML({ xml: [{ fileName, contents }], schema: [xsd] });
  return result.valid ? [] : result.errors.map((e) => e.rawMessage);
}

const dirs = [fixtureDir, ...(existsSync(new URL('MANIFEST.tsv', corpusDir)) ? [corpusDir] : [])];
if (dirs.length === 1) t.comment('SKIP real corpus: ../shared/corpus/real is absent; fixtures only');

for (const dir of dirs) {
  const rows = readManifest(dir).filter((r) => r.expect === 'accept');
  t.test(`XSD and JSON Schema: ${dir.pathname}`, async (t) => {
    t.ok(rows.length > 0);
    // One xmllint run for all files (each run starts a worker).
    const files = rows.map((r) => ({ fileName: r.file, contents: readFileSync(new URL(r.file, dir), 'utf8') }));
    const result = await validateXML({ xml: files, schema: [xsd] });
    for (const row of rows) {
      const errors = result.errors.filter((e) => e.rawMessage.startsWith(`${row.file}:`)).map((e) => e.rawMessage);
      t.same(errors, [], `${row.file} is valid against edxml-envelope.xsd`);
    }
    t.equal(result.valid, true, 'xmllint: all valid');
    for (const row of rows) {
      const bytes = readFileSync(new URL(row.file, dir));
      const json = JSON.parse(JSON.stringify(readEdxml(bytes))) as unknown;
      t.ok(validateJson(json), `${row.file}: reader output matches edxml-message.schema.json ${JSON.stringify(validateJson.errors ?? [])}`);
    }
  });
}

t.test('messages the writer builds are valid against both schemas', async (t) => {
  const edoc = buildEdoc({
    from: { organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' },
    to: [{ organId: '000.00.00.H41' }, { organId: '000.00.00.H14' }],
    documentId: '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT',
    code: { codeNumber: '7816', codeNotation: 'VPCP-TTĐT' },
    otherInfo: { priority: 1, appendixes: ['Phụ lục'] },
    toPlaces: ['Các bộ'],
    traceHeaders: [{ organId: '000.00.00.G22', timestamp: new Date() }],
    business: { businessDocType: 3, replacementInfoList: [{ documentId: 'old', organIdList: ['000.00.00.H41'] }] },
    attachments: [{ contentId: 'a', attachmentName: 'a.pdf', contentType: 'application/pdf', data: Buffer.from('%PDF-1.7 …') }],
  });
  const status = buildStatus({ from: { organId: '000.00.00.H41' }, responseFor: { organId: '000.00.00.G22', documentId: 'D' }, statusCode: '06' });
  for (const [name, bytes] of [
    ['edoc', edoc],
    ['status', status],
  ] as const) {
    t.same(await xsdErrors(`${name}.edxml`, bytes.toString('utf8')), [], `${name} is valid against the XSD`);
    t.ok(validateJson(JSON.parse(JSON.stringify(readEdxml(bytes)))), `${name} matches the JSON Schema`);
  }
});

t.test('the schemas refuse what they must', async (t) => {
  const status = readFileSync(new URL('status-05.edxml', fixtureDir), 'utf8');
  const badCode = await xsdErrors('bad-code.edxml', status.replace('>05<', '>07<'));
  t.match(badCode.join('\n'), /StatusCode/, 'a StatusCode outside the table');
  const unknown = await xsdErrors('unknown.edxml', status.replace('<edXML:StatusCode>', '<edXML:Unknown/><edXML:StatusCode>'));
  t.match(unknown.join('\n'), /Unknown/, 'an element QCVN 102 does not have');
  const message = JSON.parse(JSON.stringify(readEdxml(Buffer.from(status)))) as Record<string, unknown>;
  t.notOk(validateJson({ ...message, statusCode: '07' }), 'JSON: bad status code');
  t.notOk(validateJson({ ...message, to: [] }), 'JSON: no recipient');
  t.notOk(validateJson({ ...message, from: { organId: '' } }), 'JSON: empty OrganId');
  t.notOk(validateJson({ ...message, extra: 1 }), 'JSON: unknown property');
});
