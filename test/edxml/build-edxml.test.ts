/**
 * Round-trip property tests of the writer: random inputs (seeded) → buildEdoc /
 * buildStatus → readEdxml → the same fields (values trimmed, empty = absent).
 */
import t from 'tap';
import { createHash } from 'node:crypto';
import { buildEdoc, buildStatus, type EdocInput, type StatusInput } from '../../src/edxml/build-edxml.js';
import { readEdxml } from '../../src/edxml/read-edxml.js';
import { STATUS_CODES, type Organization, type ResponseFor } from '../../src/edxml/types.js';
import { prng } from '../helpers/prng.js';

const PIECES = [
  ...'abcxyzABCXYZ0123456789.,-/:;()',
  ...'ăâđêôơưáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵĐƯƠ',
  '&', '<', '>', '"', "'", ']]>', '&amp;', '<!--', '?>', ' ', ' ', '\t', '\n', '  ', '📄', 'Văn bản', 'Ủy ban nhân dân',
];

function generator(seed: number) {
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const text = (max = 24): string => Array.from({ length: int(max) }, () => PIECES[int(PIECES.length)]!).join('');
  const nonEmpty = (): string => `${'ABCĐ'[int(4)]}${text(12)}${'xyz9'[int(4)]}`;
  const maybe = <T>(f: () => T): T | undefined => (rnd() < 0.5 ? f() : undefined);
  const list = <T>(max: number, f: () => T): T[] => Array.from({ length: int(max + 1) }, f);
  const org = (): Organization => ({
    organId: nonEmpty(),
    organizationInCharge: maybe(text),
    organName: maybe(text),
    organAdd: maybe(text),
    email: maybe(text),
    telephone: maybe(text),
    fax: maybe(text),
    website: maybe(text),
  });
  const date = () => new Date(Date.UTC(2015 + int(12), int(12), 1 + int(28), int(24), int(60), int(60)));
  return { rnd, int, text, nonEmpty, maybe, list, org, date };
}

/** What the reader gives back for a written value: trimmed, and absent when empty. */
const norm = (s: string | undefined): string | undefined => {
  const v = s?.trim();
  return v === '' ? undefined : v;
};
/** Drops undefined properties and empty objects, as the reader does. */
function clean<T>(v: T): T {
  return JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'string' ? norm(x) : x))) as T;
}
function cleanObj<T extends object>(o: T | undefined): T | undefined {
  if (!o) return undefined;
  const c = clean(o);
  return Object.keys(c).length > 0 ? c : undefined;
}
/** Normalized list items without the empty ones; undefined when none is left. */
function nonEmptyList(list: string[] | undefined): string[] | undefined {
  const out = (list ?? []).map(norm).filter((a) => a !== undefined);
  return out.length > 0 ? out : undefined;
}
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function randomEdoc(seed: number): EdocInput {
  const g = generator(seed);
  const attachments = g.list(4, () => null).map((_, i) => ({
    contentId: `${i}-${g.int(1e9).toString(36)}`,
    attachmentName: g.maybe(g.nonEmpty),
    description: g.maybe(g.nonEmpty),
    contentType: g.maybe(() => ['application/pdf', 'application/zip', 'text/plain'][g.int(3)]!),
    data: Buffer.from(Array.from({ length: g.int(4000) }, () => g.int(256))),
  }));
  return {
    from: g.org(),
    to: Array.from({ length: 1 + g.int(12) }, g.org),
    documentId: g.nonEmpty(),
    code: g.maybe(() => ({ codeNumber: g.maybe(g.text), codeNotation: g.maybe(g.text) })),
    promulgationInfo: g.maybe(() => ({ place: g.maybe(g.text), promulgationDate: g.maybe(g.text) })),
    documentType: g.maybe(() => ({ type: g.maybe(g.text), typeDetail: g.maybe(g.text), typeName: g.maybe(g.text) })),
    subject: g.maybe(g.text),
    content: g.maybe(() => g.text(300)),
    signerInfo: g.maybe(() => ({ competence: g.maybe(g.text), position: g.maybe(g.text), fullName: g.maybe(g.text) })),
    dueDate: g.maybe(g.text),
    otherInfo: g.maybe(() => ({
      priority: g.maybe(() => g.int(5)),
      sphereOfPromulgation: g.maybe(g.text),
      typerNotation: g.maybe(g.text),
      promulgationAmount: g.maybe(g.text),
      pageAmount: g.maybe(g.text),
      direction: g.maybe(g.text),
      appendixes: g.maybe(() => g.list(3, g.text)),
    })),
    responseFor: g.list(2, () => ({ organId: g.maybe(g.nonEmpty), code: g.maybe(g.text), promulgationDate: g.maybe(g.text), documentId: g.nonEmpty() })),
    steeringType: g.maybe(g.text),
    toPlaces: g.list(3, g.text),
    traceHeaders: g.list(3, () => ({ organId: g.maybe(g.nonEmpty), timestamp: g.date() })),
    business: g.maybe(() => ({
      businessDocType: g.int(4) as 0 | 1 | 2 | 3,
      businessDocReason: g.maybe(g.text),
      documentId: g.maybe(g.nonEmpty),
      paper: g.maybe(() => String(g.int(2))),
      staffInfo: g.maybe(() => ({ department: g.maybe(g.text), staff: g.maybe(g.text), email: g.maybe(g.text), mobile: g.maybe(g.text) })),
      replacementInfoList: g.list(3, () => ({ documentId: g.maybe(g.nonEmpty), organIdList: g.list(3, g.nonEmpty) })),
    })),
    attachments,
  };
}

t.test('buildEdoc → readEdxml gives back the same fields (300 random documents)', async (t) => {
  for (let seed = 1; seed <= 300; seed++) {
    const input = randomEdoc(seed);
    const bytes = buildEdoc(input, { base64LineLength: seed % 3 === 0 ? 0 : 76 });
    const m = readEdxml(bytes);
    if (m.kind !== 'edoc') throw new Error(`seed ${seed}: not an edoc`);
    const expected = {
      from: clean(input.from),
      to: input.to.map((o) => norm(o.organId)),
      toOrganizations: input.to.map(clean),
      documentId: norm(input.documentId),
      code: cleanObj(input.code),
      promulgationInfo: cleanObj(input.promulgationInfo),
      documentType: cleanObj(input.documentType),
      subject: norm(input.subject),
      content: norm(input.content),
      signerInfo: cleanObj(input.signerInfo),
      dueDate: norm(input.dueDate),
      otherInfo: cleanObj(input.otherInfo && { ...input.otherInfo, appendixes: nonEmptyList(input.otherInfo.appendixes) }),
      responseFor: (input.responseFor ?? []).map(clean),
      steeringType: norm(input.steeringType),
      toPlaces: (input.toPlaces ?? []).map(norm).filter((p) => p !== undefined),
      traceHeaders: (input.traceHeaders ?? []).map((th) => clean({ organId: th.organId, timestampIso: (th.timestamp as Date).toISOString() })),
      businessDocType: input.business?.businessDocType ?? 0,
      business: input.business
        ? clean({ ...input.business, present: true, replacementInfoList: input.business.replacementInfoList ?? [], staffInfo: cleanObj(input.business.staffInfo) })
        : null,
      references: (input.attachments ?? []).map((a) => clean({ contentId: a.contentId, contentType: a.contentType, description: a.description, attachmentName: a.attachmentName })),
      attachments: (input.attachments ?? []).map((a) =>
        clean({ contentId: a.contentId, attachmentName: a.attachmentName, description: a.description, contentType: a.contentType, size: a.data.length, sha256: sha(a.data) }),
      ),
      warnings: [],
    };
    const actual = {
      ...expected,
      ...Object.fromEntries(Object.keys(expected).map((k) => [k, (m as unknown as Record<string, unknown>)[k]])),
      traceHeaders: m.traceHeaders.map((th) => clean({ organId: th.organId, timestampIso: th.timestampIso })),
      attachments: m.attachments.map(({ encodedRange: _r, ...a }) => a),
    };
    if (!t.same(clean(actual), clean(expected), `seed ${seed}`)) break;
  }
});

t.test('buildStatus → readEdxml (200 random status messages, every status code)', async (t) => {
  for (let seed = 1; seed <= 200; seed++) {
    const g = generator(seed * 7919);
    const first: ResponseFor = { organId: g.nonEmpty(), documentId: g.nonEmpty(), code: g.maybe(g.text), promulgationDate: g.maybe(g.text) };
    const input: StatusInput = {
      from: g.org(),
      responseFor: [first, ...g.list(2, () => ({ organId: g.nonEmpty(), documentId: g.maybe(g.nonEmpty) }))],
      statusCode: STATUS_CODES[seed % STATUS_CODES.length]!,
      description: g.maybe(g.text),
      timestamp: g.date(),
      staffInfo: g.maybe(() => ({ department: g.maybe(g.text), staff: g.maybe(g.text), email: g.maybe(g.text), mobile: g.maybe(g.text) })),
    };
    const m = readEdxml(buildStatus(input));
    if (m.kind !== 'status') throw new Error(`seed ${seed}: not a status`);
    const rf = input.responseFor as ResponseFor[];
    const ok = t.same(
      clean({ from: m.from, to: m.to, documentId: m.documentId, responseFor: m.responseFor, statusCode: m.statusCode, description: m.description, timestampIso: m.timestampIso, staffInfo: m.staffInfo }),
      clean({
        from: input.from,
        to: rf.map((r) => norm(r.organId)),
        documentId: norm(first.documentId),
        responseFor: rf,
        statusCode: input.statusCode,
        description: input.description,
        timestampIso: (input.timestamp as Date).toISOString(),
        staffInfo: cleanObj(input.staffInfo),
      }),
      `seed ${seed}`,
    );
    if (!ok) break;
  }
});

t.test('the writer uses the corpus namespace layout', async (t) => {
  const xml = buildEdoc({ from: { organId: 'A' }, to: [{ organId: 'B' }], documentId: 'D', attachments: [{ contentId: 'x', data: Buffer.from('hi') }] }).toString();
  t.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<edXML xmlns="http:\/\/www.mic.gov.vn\/TBT\/QCVN_102_2016">/);
  t.match(xml, /<edXMLEnvelope xmlns:edXML="http:\/\/www.mic.gov.vn\/TBT\/QCVN_102_2016">/);
  t.match(xml, /<edXML:MessageHeader>/);
  t.match(xml, /<edXML:ContentId>cid:x<\/edXML:ContentId>/);
  t.match(xml, /<AttachmentEncoded>\s*<Attachment>\s*<ContentId>cid:x<\/ContentId>/);
  const status = buildStatus({ from: { organId: 'B' }, responseFor: { organId: 'A', documentId: 'D' }, statusCode: '01', timestamp: new Date(Date.UTC(2018, 8, 28, 10, 25, 11)) });
  t.match(status.toString(), '<edXML:Timestamp>2018/09/28 17:25:11</edXML:Timestamp>', 'timestamps in Vietnam time, corpus format');
  t.notMatch(status.toString(), '<edXML:To>');
});
