import t from 'tap';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readEdxml, readEdxmlDocument } from '../../src/edxml/read-edxml.js';
import { XMLDSIG_NS, EDXML_NS } from '../../src/edxml/types.js';
import { errorOf } from './helpers/error-of.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/edxml/${name}`, import.meta.url), 'utf8');
const read = (s: string) => readEdxml(Buffer.from(s));
const status = fixture('status-05.edxml');
const replacement = fixture('edoc-replacement.edxml');

t.test('a status message', async (t) => {
  const m = read(status);
  if (m.kind !== 'status') throw new Error('not a status');
  t.equal(m.statusCode, '05');
  t.same(m.to, ['000.00.00.G22']);
  t.equal(m.documentId, '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT');
  t.same(m.responseFor, [{ organId: '000.00.00.G22', code: '7816/VPCP-TTĐT', documentId: '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT', promulgationDate: '2018/09/28' }]);
  t.equal(m.description, 'Đang xử lý');
  t.equal(m.timestamp, '2018/09/28 17:25:11');
  t.equal(m.timestampIso, '2018-09-28T10:25:11.000Z', 'no zone = UTC+7');
  t.same(m.staffInfo, { department: 'Văn thư', staff: 'Nguyễn Thị Ngọc Trâm' });
  t.same(m.from, { organId: '000.00.00.H41', organName: 'UBND Tỉnh Nghệ An' });
  t.equal(m.business, null);
  t.same(m.warnings, []);
});

t.test('an edoc with attachments: sizes and SHA-256 of the decoded bytes, tolerances', async (t) => {
  const bytes = readFileSync(new URL('../fixtures/edxml/edoc-attachments-crlf-bom.edxml', import.meta.url));
  const { message: m, doc } = readEdxmlDocument(bytes);
  if (m.kind !== 'edoc') throw new Error('not an edoc');
  t.equal(doc.source, bytes, 'the document is the submitted bytes');
  const first = Buffer.from('Xin chào, đây là tệp đính kèm thứ nhất.\n'.repeat(5));
  const second = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  t.match(m.attachments, [
    { contentId: 'a1', attachmentName: 'thu-nhat.txt', contentType: 'text/plain', size: first.length, sha256: createHash('sha256').update(first).digest('hex') },
    { contentId: 'b2', contentType: 'application/octet-stream', size: 256, sha256: createHash('sha256').update(second).digest('hex') },
  ]);
  const [a1] = m.attachments;
  const encoded = bytes.toString('latin1', a1!.encodedRange.start, a1!.encodedRange.end).replace(/\s/g, '');
  t.equal(Buffer.from(encoded, 'base64').toString(), first.toString(), 'encodedRange points at the base64 text');
  t.same(m.references.map((r) => r.contentId), ['a1', 'b2'], 'cid: is dropped on both sides');
  t.same(m.to, ['000.00.01.A53', '000.00.00.G12'], 'recipients in document order, whatever comes between');
  t.equal(m.from.organName, 'Sở Tài chính Tây Ninh & Kho bạc');
  t.equal(m.subject, 'Báo cáo <tài chính> 📄 quý III');
  t.same(m.responseFor, [], 'an empty <ResponseFor /> is ignored');
  t.equal(m.otherInfo?.priority, 2);
  t.same(m.otherInfo?.appendixes, ['Phụ lục 1']);
  t.same(m.traceHeaders, [{ organId: '000.00.11.H53', timestamp: '30/10/2020 08:15:00', timestampIso: '2020-10-30T01:15:00.000Z' }]);
  t.equal(m.businessDocType, 0);
  t.equal(m.business?.present, true);
  t.equal(m.signatures.length, 1);
  t.match(m.signatures[0], { namespace: XMLDSIG_NS, parentPath: 'edXML/edXMLEnvelope/edXMLHeader', line: 24 });
  const sig = m.signatures[0]!;
  t.match(bytes.toString('utf8', sig.start, sig.end), /^<ds:Signature[\s\S]*<\/ds:Signature>$/);
});

t.test('prefix variations and a Signature in the edXML namespace', async (t) => {
  const m = read(fixture('edoc-prefixes.edxml'));
  t.same(m.to, ['vxp.saas.02', 'G11.07.05'], 'values are trimmed');
  t.equal(m.documentId, '1da394ba-2117-4354-a23f-6ec3e47ba81b');
  t.equal(m.business, null);
  t.match(m.signatures, [{ namespace: EDXML_NS }]);
});

t.test('replacement with ReplacementInfoList', async (t) => {
  const m = read(replacement);
  if (m.kind !== 'edoc') throw new Error('not an edoc');
  t.equal(m.businessDocType, 3);
  t.same(m.business?.replacementInfoList, [{ documentId: '000.00.00.G22,2014/01/30,7806/VPCP-TTĐT', organIdList: ['000.00.00.H41', '000.00.00.H14'] }]);
  t.equal(m.business?.businessDocReason, 'Văn bản thay thế');
  t.equal(m.traceHeaders[0]?.timestampIso, '2018-09-27T17:00:00.000Z', 'an explicit +07:00 zone');
});

// Two refusals whose messages are checked below as well as their codes.
const withoutTo = replacement.replace(/<edXML:To>.*<\/edXML:To>\n/g, '');
const withoutStatusCode = status.replace(/<edXML:StatusCode>.*<\/edXML:StatusCode>/, '');

const cases: [string, string, string, number?][] = [
  ['no MessageHeader', replacement.replace(/<edXML:MessageHeader>[\s\S]*<\/edXML:MessageHeader>/, ''), 'edxml.missing_message_header'],
  [
    'two MessageHeaders',
    replacement.replace('</edXML:MessageHeader>', '</edXML:MessageHeader>\n<edXML:MessageHeader/>'),
    'edxml.duplicate_message_header',
    12,
  ],
  ['no From', replacement.replace(/<edXML:From>.*<\/edXML:From>/, ''), 'edxml.missing_from', 5],
  ['From without OrganId', replacement.replace(/<edXML:From>.*<\/edXML:From>/, '<edXML:From><edXML:OrganName>x</edXML:OrganName></edXML:From>'), 'edxml.missing_from', 6],
  ['two From', replacement.replace(/(<edXML:From>.*<\/edXML:From>)/, '$1$1'), 'edxml.duplicate_from', 6],
  ['no To', withoutTo, 'edxml.no_recipient', 5],
  ['an empty DocumentId', replacement.replace(/<edXML:DocumentId>000.00.00.G22,2015[^<]*</, '<edXML:DocumentId> <'), 'edxml.empty_document_id', 10],
  ['no DocumentId', replacement.replace(/<edXML:DocumentId>000.00.00.G22,2015[^<]*<\/edXML:DocumentId>/, ''), 'edxml.empty_document_id', 5],
  ['a BussinessDocType of 4', replacement.replace('<edXML:BussinessDocType>3<', '<edXML:BussinessDocType>4<'), 'edxml.bad_business_doc_type', 18],
  ['a BussinessDocType of "new"', replacement.replace('<edXML:BussinessDocType>3<', '<edXML:BussinessDocType>new<'), 'edxml.bad_business_doc_type'],
  [
    'a Reference without its Attachment',
    replacement.replace('<ContentId>cid:209</ContentId>', '<ContentId>cid:210</ContentId>'),
    'edxml.reference_without_attachment',
    34,
  ],
  ['StatusCode 07', status.replace('>05<', '>07<'), 'edxml.bad_status_code', 20],
  ['StatusCode 5 (not zero-padded)', status.replace('>05<', '>5<'), 'edxml.bad_status_code'],
  ['an empty StatusCode', status.replace('>05<', '><'), 'edxml.bad_status_code'],
  ['a status without ResponseFor/OrganId', status.replace('<edXML:OrganId>000.00.00.G22</edXML:OrganId>', ''), 'edxml.no_recipient'],
  ['a status without StatusCode', withoutStatusCode, 'edxml.no_recipient'],
  ['a status without ResponseFor/DocumentId', status.replace(/<edXML:DocumentId>.*<\/edXML:DocumentId>/, ''), 'edxml.empty_document_id', 10],
];

t.test('refusals of well-formed XML that is not an acceptable edXML message', async (t) => {
  for (const [what, input, code, line] of cases) {
    t.not(input, what.includes('status') || what.includes('StatusCode') ? status : replacement, `${what}: the fixture was changed`);
    const e = errorOf(() => read(input));
    t.equal(e.code, code, `${what}: ${code}`);
    if (line !== undefined) t.equal(e.line, line, `${what}: line ${line}`);
    if (line !== undefined) t.match(e.message, `line ${line}`);
  }
  const ref = errorOf(() => read(replacement.replace('<ContentId>cid:209</ContentId>', '<ContentId>cid:210</ContentId>')));
  t.match(ref.message, '"209"', 'names the ContentId');
  t.match(errorOf(() => read(withoutStatusCode)).message, /neither To\/OrganId .* nor a StatusCode/, 'a header with ResponseFor but neither To nor StatusCode names both');
  t.match(errorOf(() => read(withoutTo)).message, /^The document has no To/, 'a document without To is told so');
});

t.test('tolerated oddities become warnings', async (t) => {
  const badTime = read(replacement.replace('2018-09-28T00:00:00+07:00', 'hôm qua'));
  t.same(badTime.traceHeaders[0], { organId: '000.00.00.G22', timestamp: 'hôm qua' });
  t.match(badTime.warnings, [/timestamp "hôm qua"/]);
  const badB64 = read(replacement.replace('UEsDBBQACAgIAA==', 'UEsD*BBQA$CAgIAA=='));
  t.equal(badB64.attachments[0]?.size, 10);
  t.match(badB64.warnings, [/outside base64/]);
  const priority = read(replacement.replace('</edXML:DocumentId>\n      </edXML:MessageHeader>', '</edXML:DocumentId><edXML:OtherInfo><edXML:Priority>khẩn</edXML:Priority></edXML:OtherInfo></edXML:MessageHeader>'));
  t.match(priority.warnings, [/Priority "khẩn"/]);
  const statusWithEmptyBusinessType = read(replacement.replace('<edXML:BussinessDocType>3</edXML:BussinessDocType>', '<edXML:BussinessDocType/>'));
  t.equal(statusWithEmptyBusinessType.business?.businessDocType, 0);
  t.match(statusWithEmptyBusinessType.warnings, [/BussinessDocType/]);
});

t.test('an empty StatusCode in a document that has a To is an absent field, not a status', async (t) => {
  for (const empty of ['<edXML:StatusCode/>', '<edXML:StatusCode> </edXML:StatusCode>']) {
    const m = read(replacement.replace('</edXML:DocumentId>\n      </edXML:MessageHeader>', `</edXML:DocumentId>${empty}</edXML:MessageHeader>`));
    t.equal(m.kind, 'edoc', empty);
    t.same(m.to, ['000.00.00.H41', '000.00.00.H14', '000.00.00.G17']);
    t.match(m.warnings, [/StatusCode at line \d+ is empty/]);
  }
  // Without a To it still names the empty code (see the refusals above).
  t.equal(errorOf(() => read(status.replace('>05<', '><'))).code, 'edxml.bad_status_code');
});

t.test('a Priority outside 0–4 is ignored with a warning, not stored as is', async (t) => {
  const withPriority = (p: string) =>
    read(replacement.replace('</edXML:DocumentId>\n      </edXML:MessageHeader>', `</edXML:DocumentId><edXML:OtherInfo><edXML:Priority>${p}</edXML:Priority></edXML:OtherInfo></edXML:MessageHeader>`));
  for (const [p, expected] of [['0', 0], ['4', 4], [' 03 ', 3]] as const) {
    const m = withPriority(p);
    t.equal(m.kind === 'edoc' ? m.otherInfo?.priority : null, expected, `Priority ${JSON.stringify(p)}`);
    t.same(m.warnings, []);
  }
  for (const p of ['5', '99999999999']) {
    const m = withPriority(p);
    t.equal(m.kind === 'edoc' ? m.otherInfo?.priority : null, undefined, `Priority ${p} is dropped`);
    t.match(m.warnings, [new RegExp(`Priority "${p}" is not a number from 0 to 4`)]);
  }
});

t.test('base64 with character references and CRLF still decodes to the right bytes', async (t) => {
  const data = Buffer.from('Một tệp nhỏ để kiểm tra');
  const b64 = data.toString('base64');
  const withRefs = `${b64.slice(0, 8)}&#13;\r\n${b64.slice(8, 20)}&#x0A;${b64.slice(20)}`;
  const m = read(replacement.replace('UEsDBBQACAgIAA==', withRefs));
  t.equal(m.attachments[0]?.size, data.length);
  t.equal(m.attachments[0]?.sha256, createHash('sha256').update(data).digest('hex'));
});

t.test('an update names its receivers (BussinessDocumentInfo, ReceiverList)', async (t) => {
  const info =
    '<edXML:BussinessDocumentInfo><edXML:DocumentInfo>1</edXML:DocumentInfo><edXML:DocumentReceiver>1</edXML:DocumentReceiver>' +
    '<edXML:ReceiverList><edXML:Receiver><edXML:OrganId>000.00.00.H41</edXML:OrganId><edXML:ReceiverType>0</edXML:ReceiverType></edXML:Receiver>' +
    '<edXML:Receiver><edXML:OrganId>000.00.00.H14</edXML:OrganId></edXML:Receiver></edXML:ReceiverList></edXML:BussinessDocumentInfo>' +
    '<edXML:ReceiverList><edXML:Receiver><edXML:OrganId>000.00.00.G17</edXML:OrganId></edXML:Receiver><edXML:Receiver/></edXML:ReceiverList>';
  const m = read(replacement.replace('<edXML:BussinessDocType>3</edXML:BussinessDocType>', `<edXML:BussinessDocType>2</edXML:BussinessDocType>${info}`));
  t.equal(m.business?.businessDocType, 2);
  t.same(m.business?.businessDocumentInfo, {
    documentInfo: '1',
    documentReceiver: '1',
    receiverList: [{ organId: '000.00.00.H41', receiverType: '0' }, { organId: '000.00.00.H14' }],
  });
  t.same(m.business?.receiverList, [{ organId: '000.00.00.G17' }], 'empty Receivers are skipped');
  t.equal(read(replacement).business?.businessDocumentInfo, undefined, 'absent when not written');
});
