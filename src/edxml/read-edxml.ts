/**
 * The edXML reader: submitted bytes → typed message (`types.ts`), on the same
 * tree the signature verifier checks (`readEdxmlDocument`).
 *
 * Tolerates what real producers do: any prefix or the default namespace, any
 * element order, `cid:` on ContentIds or not, an empty `<ResponseFor/>`,
 * Signature in the XML-DSig or the edXML namespace, several timestamp formats.
 * Refuses, with a stable code and the line of the fault, what makes a message
 * unusable (see docs/edxml.md for the full list).
 */
import { compact, childText, edxmlChild, edxmlChildren, elementPath, textValue } from './edxml-elements.js';
import { edxmlReject } from './edxml-reject.js';
import { checkReferencesHaveAttachments, invalidBase64Warning, readAttachments, readReferences, type PendingDigest } from './read-attachments.js';
import { digestBase64InSteps, STEP as DIGEST_STEP_BYTES } from './attachment-digest.js';
import { readBusiness, readStaffInfo, readTimestamp, readTraceHeaders } from './read-trace.js';
import {
  DEFAULT_PARSE_LIMITS,
  EDXML_NS,
  STATUS_CODES,
  XMLDSIG_NS,
  type DocumentCode,
  type DocumentType,
  type EdocMessage,
  type EdxmlMessage,
  type Organization,
  type OtherInfo,
  type ParseLimits,
  type PromulgationInfo,
  type ResponseFor,
  type SignatureLocation,
  type SignerInfo,
  type StatusCode,
  type StatusMessage,
} from './types.js';
import { parseXml } from './xml/parse-xml.js';
import type { XmlDocument, XmlElement } from './xml/tree.js';

/** Parses and reads an edXML message, returning the tree it was read from as well. */
export function readEdxmlDocument(bytes: Buffer, limits: Partial<ParseLimits> = {}): { message: EdxmlMessage; doc: XmlDocument } {
  const doc = parseXml(bytes, { ...DEFAULT_PARSE_LIMITS, ...limits });
  return { message: readMessage(doc), doc };
}

/**
 * {@link readEdxmlDocument} for a large document, the same result: its
 * attachments' digests — most of the cost of reading one (~210 of ~285 ms for
 * 50 MB on a 2-core test VM) — are taken in steps, `between()` awaited after
 * each 256 KiB of base64 (by default, one turn of the event loop),
 * so that a hub serving other requests is not held for the whole. A message
 * refused for its header is refused before any digest is taken.
 */
export async function readEdxmlDocumentInSteps(
  bytes: Buffer,
  limits: Partial<ParseLimits> = {},
  between: () => Promise<void> = () => new Promise((resolve) => setImmediate(resolve)),
): Promise<{ message: EdxmlMessage; doc: XmlDocument }> {
  const doc = parseXml(bytes, { ...DEFAULT_PARSE_LIMITS, ...limits });
  const pending: PendingDigest[] = [];
  const message = readMessage(doc, pending);
  const late: { at: number; warning: string }[] = [];
  let read = 0; // source bytes digested since the last pause
  for (const p of pending) {
    const steps = digestBase64InSteps(doc.source, p.pieces);
    let step = steps.next();
    while (!step.done) {
      read += step.value;
      if (read >= DIGEST_STEP_BYTES) {
        await between();
        read = 0;
      }
      step = steps.next();
    }
    p.info.size = step.value.size;
    p.info.sha256 = step.value.sha256;
    if (step.value.invalidCharacters) late.push({ at: p.warningAt, warning: invalidBase64Warning(p.label) });
  }
  // Each warning where a reading at once would have put it (from the last, so earlier places do not shift).
  for (const { at, warning } of late.reverse()) message.warnings.splice(at, 0, warning);
  return { message, doc };
}

/** Parses and reads an edXML message; throws a HubError (`edxml.*`) when it is refused. */
export function readEdxml(bytes: Buffer, limits: Partial<ParseLimits> = {}): EdxmlMessage {
  return readEdxmlDocument(bytes, limits).message;
}

function readOrganization(doc: XmlDocument, el: XmlElement): Organization {
  return {
    organId: childText(doc, el, 'OrganId') ?? '',
    ...compact({
      organizationInCharge: childText(doc, el, 'OrganizationInCharge'),
      organName: childText(doc, el, 'OrganName'),
      organAdd: childText(doc, el, 'OrganAdd'),
      email: childText(doc, el, 'Email'),
      telephone: childText(doc, el, 'Telephone'),
      fax: childText(doc, el, 'Fax'),
      website: childText(doc, el, 'Website'),
    }),
  };
}

function readResponseFor(doc: XmlDocument, header: XmlElement): ResponseFor[] {
  const out: ResponseFor[] = [];
  for (const el of edxmlChildren(header, 'ResponseFor')) {
    const rf = compact<ResponseFor>({
      organId: childText(doc, el, 'OrganId'),
      code: childText(doc, el, 'Code'),
      promulgationDate: childText(doc, el, 'PromulgationDate'),
      documentId: childText(doc, el, 'DocumentId'),
    });
    // `<ResponseFor/>` or one with only empty children answers nothing: skipped.
    if (rf) out.push(rf);
  }
  return out;
}

function readSignatures(root: XmlElement): SignatureLocation[] {
  const out: SignatureLocation[] = [];
  const stack: XmlElement[] = [root];
  while (stack.length > 0) {
    const el = stack.pop()!;
    if (el.localName === 'Signature' && (el.namespaceURI === XMLDSIG_NS || el.namespaceURI === EDXML_NS)) {
      out.push({
        namespace: el.namespaceURI,
        parentPath: el.parent ? elementPath(el.parent) : '',
        line: el.line,
        column: el.column,
        start: el.start,
        end: el.end,
      });
      continue;
    }
    for (let i = el.children.length - 1; i >= 0; i--) {
      const c = el.children[i]!;
      if (c.type === 'element') stack.push(c);
    }
  }
  return out;
}

/** Highest OtherInfo/Priority (0 normal … 4 most urgent). */
const MAX_PRIORITY = 4;

function readOtherInfo(doc: XmlDocument, el: XmlElement | undefined, warnings: string[]): OtherInfo | undefined {
  if (!el) return undefined;
  const info: OtherInfo = {};
  const priority = childText(doc, el, 'Priority');
  if (priority !== undefined) {
    // QCVN 102 knows 0–4 only; a larger number would set no deadline rule (and overflows the store's smallint).
    if (/^\d+$/.test(priority) && Number(priority) <= MAX_PRIORITY) info.priority = Number(priority);
    else warnings.push(`Priority "${priority}" is not a number from 0 to ${MAX_PRIORITY}; ignored`);
  }
  Object.assign(
    info,
    compact({
      sphereOfPromulgation: childText(doc, el, 'SphereOfPromulgation'),
      typerNotation: childText(doc, el, 'TyperNotation'),
      promulgationAmount: childText(doc, el, 'PromulgationAmount'),
      pageAmount: childText(doc, el, 'PageAmount'),
      direction: childText(doc, el, 'Direction'),
    }),
  );
  const appendixes: string[] = [];
  for (const list of edxmlChildren(el, 'Appendixes')) {
    for (const a of edxmlChildren(list, 'Appendix')) {
      const t = textValue(doc, a);
      if (t !== undefined) appendixes.push(t);
    }
  }
  if (appendixes.length > 0) info.appendixes = appendixes;
  return Object.keys(info).length > 0 ? info : undefined;
}

function readMessage(doc: XmlDocument, pendingDigests?: PendingDigest[]): EdxmlMessage {
  const root = doc.root;
  if (root.localName !== 'edXML' || root.namespaceURI !== EDXML_NS) {
    throw edxmlReject(
      'edxml.not_edxml_root',
      `The root element is {${root.namespaceURI ?? ''}}${root.localName}; an edXML message has the root edXML in the namespace ${EDXML_NS}`,
      root,
    );
  }
  const warnings: string[] = [];
  const envelopes = edxmlChildren(root, 'edXMLEnvelope');
  if (envelopes.length > 1) throw edxmlReject('edxml.duplicate_message_header', 'The message has more than one edXMLEnvelope', envelopes[1]);
  const envelope = envelopes[0];
  const headerEl = edxmlChild(envelope, 'edXMLHeader');
  const headers = headerEl ? edxmlChildren(headerEl, 'MessageHeader') : [];
  const header = headers[0];
  if (!header) throw edxmlReject('edxml.missing_message_header', 'The message has no edXMLEnvelope/edXMLHeader/MessageHeader', headerEl ?? envelope ?? root);
  if (headers.length > 1) throw edxmlReject('edxml.duplicate_message_header', 'The message has two MessageHeader elements', headers[1]);

  const froms = edxmlChildren(header, 'From');
  if (froms.length > 1) throw edxmlReject('edxml.duplicate_from', 'The MessageHeader has more than one From', froms[1]);
  const fromEl = froms[0];
  if (!fromEl) throw edxmlReject('edxml.missing_from', 'The MessageHeader has no From (the sending agency)', header);
  const from = readOrganization(doc, fromEl);
  if (from.organId === '') throw edxmlReject('edxml.missing_from', 'From has no OrganId', fromEl);

  const traceList = headerEl ? edxmlChild(headerEl, 'TraceHeaderList') : undefined;
  const traceHeaders = readTraceHeaders(doc, traceList, warnings);
  const business = readBusiness(doc, traceList, warnings);
  const refs = readReferences(doc, envelope, warnings);
  const attachments = readAttachments(doc, warnings, pendingDigests);
  checkReferencesHaveAttachments(refs, attachments);
  const references = refs.map((r) => r.ref);
  const signatures = readSignatures(root);
  const responseFor = readResponseFor(doc, header);
  // What documents and status messages share, besides From, recipients and DocumentId.
  const envelopeFields = { traceHeaders, business, references, attachments, signatures, warnings, responseFor };

  const statusEl = edxmlChild(header, 'StatusCode');
  // An empty StatusCode beside a To is an empty optional field of a document (empty = absent), not a status.
  const emptyStatusOfDocument =
    statusEl !== undefined && textValue(doc, statusEl) === undefined && edxmlChildren(header, 'To').some((to) => childText(doc, to, 'OrganId') !== undefined);
  if (emptyStatusOfDocument) warnings.push(`StatusCode at line ${statusEl.line} is empty; read as a document (it has To)`);
  if (statusEl && !emptyStatusOfDocument) {
    const code = textValue(doc, statusEl) ?? '';
    if (!(STATUS_CODES as readonly string[]).includes(code)) {
      throw edxmlReject('edxml.bad_status_code', `StatusCode "${code}" is not one of ${STATUS_CODES.join(', ')}`, statusEl);
    }
    const to = responseFor.flatMap((r) => (r.organId === undefined ? [] : [r.organId]));
    if (to.length === 0) throw edxmlReject('edxml.no_recipient', 'The status message has no ResponseFor/OrganId (the agency it goes to)', header);
    const documentId = responseFor.find((r) => r.documentId !== undefined)?.documentId;
    if (documentId === undefined) {
      throw edxmlReject('edxml.empty_document_id', 'The status message has no ResponseFor/DocumentId (the document it is about)', edxmlChild(header, 'ResponseFor') ?? header);
    }
    const status: StatusMessage = {
      kind: 'status',
      from,
      to,
      documentId,
      ...envelopeFields,
      statusCode: code as StatusCode,
    };
    const description = childText(doc, header, 'Description');
    if (description !== undefined) status.description = description;
    Object.assign(status, readTimestamp(childText(doc, header, 'Timestamp'), 'StatusMessage', warnings));
    const staffInfo = readStaffInfo(doc, edxmlChild(header, 'StaffInfo'));
    if (staffInfo !== undefined) status.staffInfo = staffInfo;
    return status;
  }

  const toOrganizations: Organization[] = [];
  for (const toEl of edxmlChildren(header, 'To')) {
    const org = readOrganization(doc, toEl);
    if (org.organId === '') warnings.push(`To at line ${toEl.line} has no OrganId; ignored`);
    else toOrganizations.push(org);
  }
  if (toOrganizations.length === 0) {
    // A header that answers a document but has neither To nor StatusCode is most likely a status message that lost its code.
    const reason =
      responseFor.length > 0
        ? "The message has neither To/OrganId (a document's recipients) nor a StatusCode (which a status message to its ResponseFor needs)"
        : 'The document has no To/OrganId (no recipient)';
    throw edxmlReject('edxml.no_recipient', reason, header);
  }
  const documentIdEl = edxmlChild(header, 'DocumentId');
  const documentId = textValue(doc, documentIdEl);
  if (documentId === undefined) throw edxmlReject('edxml.empty_document_id', 'The document has no DocumentId or it is empty', documentIdEl ?? header);

  const edoc: EdocMessage = {
    kind: 'edoc',
    from,
    to: toOrganizations.map((o) => o.organId),
    documentId,
    ...envelopeFields,
    toOrganizations,
    toPlaces: [],
    businessDocType: business?.businessDocType ?? 0,
  };
  const codeEl = edxmlChild(header, 'Code');
  const docCode = codeEl && compact<DocumentCode>({ codeNumber: childText(doc, codeEl, 'CodeNumber'), codeNotation: childText(doc, codeEl, 'CodeNotation') });
  if (docCode) edoc.code = docCode;
  const promEl = edxmlChild(header, 'PromulgationInfo');
  const prom = promEl && compact<PromulgationInfo>({ place: childText(doc, promEl, 'Place'), promulgationDate: childText(doc, promEl, 'PromulgationDate') });
  if (prom) edoc.promulgationInfo = prom;
  const typeEl = edxmlChild(header, 'DocumentType');
  const docType =
    typeEl && compact<DocumentType>({ type: childText(doc, typeEl, 'Type'), typeDetail: childText(doc, typeEl, 'TypeDetail'), typeName: childText(doc, typeEl, 'TypeName') });
  if (docType) edoc.documentType = docType;
  const signerEl = edxmlChild(header, 'SignerInfo');
  const signer =
    signerEl &&
    compact<SignerInfo>({ competence: childText(doc, signerEl, 'Competence'), position: childText(doc, signerEl, 'Position'), fullName: childText(doc, signerEl, 'FullName') });
  if (signer) edoc.signerInfo = signer;
  const otherInfo = readOtherInfo(doc, edxmlChild(header, 'OtherInfo'), warnings);
  if (otherInfo) edoc.otherInfo = otherInfo;
  const simple = compact({
    subject: childText(doc, header, 'Subject'),
    content: childText(doc, header, 'Content'),
    dueDate: childText(doc, header, 'DueDate'),
    steeringType: childText(doc, header, 'SteeringType'),
  });
  if (simple) Object.assign(edoc, simple);
  for (const places of edxmlChildren(header, 'ToPlaces')) {
    for (const p of edxmlChildren(places, 'Place')) {
      const t = textValue(doc, p);
      if (t !== undefined) edoc.toPlaces.push(t);
    }
  }
  return edoc;
}
