/**
 * An attachment streamed out of a stored document (the console's download)
 * decodes exactly the bytes whose size and SHA-256 were read when it was
 * accepted, wherever its base64 has character references or CDATA.
 */
import t from 'tap';
import { createHash, randomBytes } from 'node:crypto';
import { buildEdoc } from '../../src/edxml/build-edxml.js';
import { readEdxml } from '../../src/edxml/read-edxml.js';
import { attachmentParts } from '../../src/edxml/read-attachments.js';

const G22 = '000.00.00.G22';
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

const small = randomBytes(3_000);
const large = randomBytes(700_001);
const built = buildEdoc({
  from: { organId: G22 },
  to: [{ organId: '000.00.00.H41' }],
  documentId: `${G22},2026/12/01,9/PARTS`,
  subject: 'Tệp đính kèm',
  attachments: [
    { contentId: 'small', attachmentName: 'a.pdf', contentType: 'application/pdf', data: small },
    { contentId: 'large', attachmentName: 'b.pdf', contentType: 'application/pdf', data: large },
  ],
}).toString('utf8');

/** Rewrites the base64 text of the n-th ContentTransferEncoded. */
function rewriteContent(xml: string, n: number, f: (b64: string) => string): Buffer {
  let i = 0;
  const out = xml.replace(/(<(?:edXML:)?ContentTransferEncoded[^>]*>)([^<]*)(<\/(?:edXML:)?ContentTransferEncoded>)/g, (all, open: string, b64: string, close: string) =>
    i++ === n ? `${open}${f(b64)}${close}` : all,
  );
  if (i <= n || out === xml) throw new Error(`ContentTransferEncoded ${n} not rewritten`);
  return Buffer.from(out, 'utf8');
}

function decodedAll(bytes: Buffer, index: number): Buffer {
  const parts = attachmentParts(bytes, index);
  if (!parts) throw new Error(`no attachment ${index}`);
  return Buffer.concat([...parts]);
}

t.test('each attachment, as built', async (t) => {
  const bytes = Buffer.from(built, 'utf8');
  const read = readEdxml(bytes);
  if (read.kind !== 'edoc') throw new Error('an edoc');
  t.same(read.attachments.map((a) => a.size), [small.length, large.length]);
  t.ok(decodedAll(bytes, 0).equals(small));
  t.ok(decodedAll(bytes, 1).equals(large));
  t.equal(attachmentParts(bytes, 2), undefined, 'no third attachment');
  t.ok([...attachmentParts(bytes, 1)!].length > 1, 'the large one comes in several parts');
});

t.test('character references and CDATA in the base64 decode as the digest read them', async (t) => {
  const variants = {
    // CR written as a reference, as some Java producers do; `+` and `/` as references.
    references: rewriteContent(built, 1, (b64) => b64.replace(/\n/g, '&#13;\n').replace(/\+/g, '&#43;').replace(/\//g, '&#x2F;')),
    cdata: rewriteContent(built, 1, (b64) => `<![CDATA[${b64}]]>`),
  };
  for (const [name, bytes] of Object.entries(variants)) {
    const read = readEdxml(bytes);
    if (read.kind !== 'edoc') throw new Error('an edoc');
    t.same(read.attachments[1]!.sha256, sha256(large), `${name}: the digest is the attachment's`);
    const out = decodedAll(bytes, 1);
    t.equal(out.length, read.attachments[1]!.size, `${name}: as long as the size read`);
    t.ok(out.equals(large), `${name}: the attachment's bytes`);
  }
  const refs = variants.references;
  const a = readEdxml(refs);
  if (a.kind !== 'edoc') throw new Error('an edoc');
  const range = a.attachments[1]!.encodedRange;
  const naive = Buffer.from(refs.subarray(range.start, range.end).toString('latin1'), 'base64');
  t.notOk(naive.equals(large), 'decoding the raw range would not give them (the check above can fail)');
});
