/**
 * The edXML writer (xmlbuilder2, streaming callback API): builds document and
 * status messages in the namespace layout of the corpus — the edXML namespace as
 * the default namespace on `edXML`, the `edXML:` prefix declared on the envelope
 * and used inside it, AttachmentEncoded in the default namespace. What
 * `readEdxml` reads back from the output equals the input (trimmed; CR in values
 * becomes LF as XML requires).
 */
import { createCB } from 'xmlbuilder2';
import { formatEdxmlTimestamp } from './format-timestamp.js';
import {
  EDXML_NS,
  type BusinessDocType,
  type EdocMessage,
  type Organization,
  type ReplacementInfo,
  type ResponseFor,
  type StaffInfo,
  type StatusCode,
} from './types.js';

/** An attachment to embed: its bytes are base64-encoded into ContentTransferEncoded. */
export interface AttachmentInput {
  /** Without `cid:`; the writer adds it as producers do. */
  contentId: string;
  attachmentName?: string;
  description?: string;
  contentType?: string;
  data: Buffer;
}

export interface TraceHeaderInput {
  organId?: string;
  /** Written as is when a string; formatted `yyyy/MM/dd HH:mm:ss` (UTC+7) when a Date. */
  timestamp?: string | Date;
}

export interface BusinessInput {
  businessDocType: BusinessDocType;
  businessDocReason?: string;
  documentId?: string;
  paper?: string;
  staffInfo?: StaffInfo;
  replacementInfoList?: ReplacementInfo[];
}

/** The header fields of a document the writer copies as they are (same names and types as the reader gives). */
type EdocHeaderFields = 'code' | 'promulgationInfo' | 'documentType' | 'subject' | 'content' | 'signerInfo' | 'dueDate' | 'otherInfo' | 'responseFor' | 'steeringType' | 'toPlaces';

/** What `buildEdoc` needs: the fields of an EdocMessage, with attachment bytes. */
export interface EdocInput extends Partial<Pick<EdocMessage, EdocHeaderFields>> {
  from: Organization;
  to: Organization[];
  documentId: string;
  traceHeaders?: TraceHeaderInput[];
  business?: BusinessInput;
  attachments?: AttachmentInput[];
}

/** What `buildStatus` needs. */
export interface StatusInput {
  from: Organization;
  /** The document(s) the status is about; OrganId is the party the status goes to. */
  responseFor: ResponseFor | ResponseFor[];
  statusCode: StatusCode;
  description?: string;
  /** Defaults to now. */
  timestamp?: string | Date;
  staffInfo?: StaffInfo;
  traceHeaders?: TraceHeaderInput[];
}

export interface BuildOptions {
  /** Base64 line length in ContentTransferEncoded (0 = one line). Default 76. */
  base64LineLength?: number;
}

type Writer = ReturnType<typeof createCB>;

/** Bytes of raw data per base64 piece handed to the writer (a multiple of 3 and of 57). */
const ATTACHMENT_PIECE = 57 * 3 * 1024;

function createWriter(): { xml: Writer; finish: () => Buffer } {
  const chunks: Buffer[] = [];
  const xml = createCB({ data: (text: string) => chunks.push(Buffer.from(text, 'utf8')), prettyPrint: true, indent: '  ' });
  xml.dec({ version: '1.0', encoding: 'UTF-8' });
  return {
    xml,
    finish: () => {
      xml.end();
      return Buffer.concat(chunks);
    },
  };
}

/**
 * Text for the writer. xmlbuilder2's callback writer leaves `&amp;`, `&lt;`… in
 * text as they are (it assumes they are already escaped), so a value that really
 * contains "&amp;" would come back as "&". Escaping every `&` first makes it
 * escape nothing twice and lose nothing.
 */
function escapedText(value: string): string {
  return value.replace(/&/g, '&amp;');
}

/** Writes `<edXML:name>value</edXML:name>` when the value is a non-empty string. */
function leaf(xml: Writer, name: string, value: string | undefined): void {
  if (value === undefined || value === '') return;
  xml.ele(`edXML:${name}`).txt(escapedText(value)).up();
}

function group(xml: Writer, name: string, fields: [string, string | undefined][]): void {
  if (fields.every(([, v]) => v === undefined || v === '')) return;
  xml.ele(`edXML:${name}`);
  for (const [n, v] of fields) leaf(xml, n, v);
  xml.up();
}

function organization(xml: Writer, name: string, o: Organization): void {
  xml.ele(`edXML:${name}`);
  leaf(xml, 'OrganId', o.organId);
  leaf(xml, 'OrganizationInCharge', o.organizationInCharge);
  leaf(xml, 'OrganName', o.organName);
  leaf(xml, 'OrganAdd', o.organAdd);
  leaf(xml, 'Email', o.email);
  leaf(xml, 'Telephone', o.telephone);
  leaf(xml, 'Fax', o.fax);
  leaf(xml, 'Website', o.website);
  xml.up();
}

function staffInfo(xml: Writer, s: StaffInfo | undefined): void {
  if (!s) return;
  group(xml, 'StaffInfo', [
    ['Department', s.department],
    ['Staff', s.staff],
    ['Email', s.email],
    ['Mobile', s.mobile],
  ]);
}

function responseFor(xml: Writer, r: ResponseFor): void {
  group(xml, 'ResponseFor', [
    ['OrganId', r.organId],
    ['Code', r.code],
    ['PromulgationDate', r.promulgationDate],
    ['DocumentId', r.documentId],
  ]);
}

function timestampText(t: string | Date): string {
  return typeof t === 'string' ? t : formatEdxmlTimestamp(t);
}

function traceHeaderList(xml: Writer, traces: TraceHeaderInput[] | undefined, business: BusinessInput | undefined): void {
  if ((!traces || traces.length === 0) && !business) return;
  xml.ele('edXML:TraceHeaderList');
  for (const t of traces ?? []) {
    xml.ele('edXML:TraceHeader');
    leaf(xml, 'OrganId', t.organId);
    leaf(xml, 'Timestamp', t.timestamp === undefined ? undefined : timestampText(t.timestamp));
    xml.up();
  }
  if (business) {
    xml.ele('edXML:Bussiness');
    leaf(xml, 'BussinessDocType', String(business.businessDocType));
    leaf(xml, 'BussinessDocReason', business.businessDocReason);
    leaf(xml, 'DocumentId', business.documentId);
    leaf(xml, 'Paper', business.paper);
    staffInfo(xml, business.staffInfo);
    const list = business.replacementInfoList ?? [];
    if (list.length > 0) {
      xml.ele('edXML:ReplacementInfoList');
      for (const r of list) {
        xml.ele('edXML:ReplacementInfo');
        leaf(xml, 'DocumentId', r.documentId);
        xml.ele('edXML:OrganIdList');
        for (const id of r.organIdList) leaf(xml, 'OrganId', id);
        xml.up().up();
      }
      xml.up();
    }
    xml.up();
  }
  xml.up();
}

function openEnvelope(xml: Writer): void {
  xml.ele('edXML', { xmlns: EDXML_NS });
  xml.ele('edXML:edXMLEnvelope', { 'xmlns:edXML': EDXML_NS });
  xml.ele('edXML:edXMLHeader');
  xml.ele('edXML:MessageHeader');
}

function writeBase64(xml: Writer, data: Buffer, lineLength: number): void {
  const wrap = lineLength > 0 ? new RegExp(`.{${lineLength}}`, 'g') : null;
  for (let s = 0; s < data.length; s += ATTACHMENT_PIECE) {
    const b64 = data.toString('base64', s, Math.min(data.length, s + ATTACHMENT_PIECE));
    // Full pieces are whole lines, so only the first needs a leading line break.
    xml.txt(wrap ? `${s === 0 ? '\n' : ''}${b64.replace(wrap, '$&\n')}` : b64);
  }
}

/** Builds a document (edoc) message; attachments are embedded base64-encoded. */
export function buildEdoc(input: EdocInput, options: BuildOptions = {}): Buffer {
  const { xml, finish } = createWriter();
  openEnvelope(xml);
  organization(xml, 'From', input.from);
  for (const to of input.to) organization(xml, 'To', to);
  leaf(xml, 'DocumentId', input.documentId);
  if (input.code) group(xml, 'Code', [['CodeNumber', input.code.codeNumber], ['CodeNotation', input.code.codeNotation]]);
  if (input.promulgationInfo) {
    group(xml, 'PromulgationInfo', [['Place', input.promulgationInfo.place], ['PromulgationDate', input.promulgationInfo.promulgationDate]]);
  }
  if (input.documentType) {
    group(xml, 'DocumentType', [
      ['Type', input.documentType.type],
      ['TypeDetail', input.documentType.typeDetail],
      ['TypeName', input.documentType.typeName],
    ]);
  }
  leaf(xml, 'Subject', input.subject);
  leaf(xml, 'Content', input.content);
  if (input.signerInfo) {
    group(xml, 'SignerInfo', [
      ['Competence', input.signerInfo.competence],
      ['Position', input.signerInfo.position],
      ['FullName', input.signerInfo.fullName],
    ]);
  }
  leaf(xml, 'DueDate', input.dueDate);
  const o = input.otherInfo;
  if (o) {
    xml.ele('edXML:OtherInfo');
    leaf(xml, 'Priority', o.priority === undefined ? undefined : String(o.priority));
    leaf(xml, 'SphereOfPromulgation', o.sphereOfPromulgation);
    leaf(xml, 'TyperNotation', o.typerNotation);
    leaf(xml, 'PromulgationAmount', o.promulgationAmount);
    leaf(xml, 'PageAmount', o.pageAmount);
    leaf(xml, 'Direction', o.direction);
    if (o.appendixes && o.appendixes.length > 0) {
      xml.ele('edXML:Appendixes');
      for (const a of o.appendixes) leaf(xml, 'Appendix', a);
      xml.up();
    }
    xml.up();
  }
  for (const r of input.responseFor ?? []) responseFor(xml, r);
  leaf(xml, 'SteeringType', input.steeringType);
  if (input.toPlaces && input.toPlaces.length > 0) {
    xml.ele('edXML:ToPlaces');
    for (const p of input.toPlaces) leaf(xml, 'Place', p);
    xml.up();
  }
  xml.up(); // MessageHeader
  traceHeaderList(xml, input.traceHeaders, input.business);
  xml.up(); // edXMLHeader
  const attachments = input.attachments ?? [];
  xml.ele('edXML:edXMLBody').ele('edXML:edXMLManifest', { version: '1.0' });
  for (const a of attachments) {
    xml.ele('edXML:Reference');
    leaf(xml, 'ContentId', `cid:${a.contentId}`);
    leaf(xml, 'ContentType', a.contentType);
    leaf(xml, 'Description', a.description);
    leaf(xml, 'AttachmentName', a.attachmentName);
    xml.up();
  }
  xml.up().up(); // edXMLManifest, edXMLBody
  xml.up(); // edXMLEnvelope
  if (attachments.length > 0) {
    const lineLength = options.base64LineLength ?? 76;
    xml.ele('AttachmentEncoded');
    for (const a of attachments) {
      xml.ele('Attachment');
      xml.ele('ContentId').txt(escapedText(`cid:${a.contentId}`)).up();
      if (a.attachmentName) xml.ele('AttachmentName').txt(escapedText(a.attachmentName)).up();
      if (a.description) xml.ele('Description').txt(escapedText(a.description)).up();
      if (a.contentType) xml.ele('ContentType').txt(escapedText(a.contentType)).up();
      xml.ele('edXML:ContentTransferEncoded', { 'xmlns:edXML': EDXML_NS });
      writeBase64(xml, a.data, lineLength);
      xml.up().up();
    }
    xml.up();
  }
  xml.up(); // edXML
  return finish();
}

/** Builds a status message (the hub uses it to report processing states). */
export function buildStatus(input: StatusInput): Buffer {
  const { xml, finish } = createWriter();
  openEnvelope(xml);
  organization(xml, 'From', input.from);
  for (const r of Array.isArray(input.responseFor) ? input.responseFor : [input.responseFor]) responseFor(xml, r);
  staffInfo(xml, input.staffInfo);
  leaf(xml, 'StatusCode', input.statusCode);
  leaf(xml, 'Description', input.description);
  leaf(xml, 'Timestamp', timestampText(input.timestamp ?? new Date()));
  xml.up(); // MessageHeader
  traceHeaderList(xml, input.traceHeaders, undefined);
  xml.up().up().up(); // edXMLHeader, edXMLEnvelope, edXML
  return finish();
}
