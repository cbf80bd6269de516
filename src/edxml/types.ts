/**
 * The typed edXML message as the reader returns it and the API shows it.
 * Field names follow QCVN 102:2016 (camelCased); optional fields are absent,
 * never empty strings, when the producer left them out or empty.
 */

export const EDXML_NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
export const XMLDSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';

export type MessageKind = 'edoc' | 'status';

/** StatusCode values of QCVN 102 status messages. */
export const STATUS_CODES = ['01', '02', '03', '04', '05', '06', '13', '15', '16'] as const;
export type StatusCode = (typeof STATUS_CODES)[number];

/** 0 new, 1 recall (revocation), 2 update, 3 replacement. */
export type BusinessDocType = 0 | 1 | 2 | 3;

export interface Organization {
  organId: string;
  organizationInCharge?: string;
  organName?: string;
  organAdd?: string;
  email?: string;
  telephone?: string;
  fax?: string;
  website?: string;
}

export interface DocumentCode {
  codeNumber?: string;
  codeNotation?: string;
}

export interface PromulgationInfo {
  place?: string;
  /** As written (yyyy/MM/dd) … */
  promulgationDate?: string;
}

export interface DocumentType {
  type?: string;
  typeDetail?: string;
  typeName?: string;
}

export interface SignerInfo {
  competence?: string;
  position?: string;
  fullName?: string;
}

export interface OtherInfo {
  /** 0 normal … 4 most urgent; absent when not given or not a number from 0 to 4. */
  priority?: number;
  sphereOfPromulgation?: string;
  typerNotation?: string;
  promulgationAmount?: string;
  pageAmount?: string;
  direction?: string;
  appendixes?: string[];
}

export interface ResponseFor {
  organId?: string;
  code?: string;
  promulgationDate?: string;
  documentId?: string;
}

export interface StaffInfo {
  department?: string;
  staff?: string;
  email?: string;
  mobile?: string;
}

export interface TraceHeader {
  organId?: string;
  /** As written by the producer. */
  timestamp?: string;
  /** ISO 8601 (UTC) when the timestamp could be read; times without a zone are taken as Asia/Ho_Chi_Minh. */
  timestampIso?: string;
}

export interface ReplacementInfo {
  documentId?: string;
  organIdList: string[];
}

/** A Receiver of Bussiness/ReceiverList (update messages say who a change concerns). */
export interface BusinessReceiver {
  organId?: string;
  receiverType?: string;
}

/** Bussiness/BussinessDocumentInfo of an update (type 2): what changed and for whom. */
export interface BusinessDocumentInfo {
  documentInfo?: string;
  documentReceiver?: string;
  receiverList: BusinessReceiver[];
}

export interface Business {
  /** 0 when absent. */
  businessDocType: BusinessDocType;
  /** True when the Bussiness element (and BussinessDocType in it) was present. */
  present: boolean;
  businessDocReason?: string;
  documentId?: string;
  paper?: string;
  staffInfo?: StaffInfo;
  replacementInfoList: ReplacementInfo[];
  /** Bussiness/ReceiverList, when given directly under Bussiness. */
  receiverList?: BusinessReceiver[];
  businessDocumentInfo?: BusinessDocumentInfo;
}

export interface ManifestReference {
  contentId: string;
  contentType?: string;
  description?: string;
  attachmentName?: string;
}

export interface AttachmentInfo {
  /** ContentId without the `cid:` prefix. */
  contentId: string;
  attachmentName?: string;
  description?: string;
  contentType?: string;
  /** Size of the decoded bytes. */
  size: number;
  /** SHA-256 (hex) of the decoded bytes. */
  sha256: string;
  /** Byte range of the base64 text in the submitted bytes (for streaming the attachment out). */
  encodedRange: { start: number; end: number };
}

/** Where the Signature element sits, for the signature verifier. */
export interface SignatureLocation {
  /** Namespace of the Signature element (XML-DSig or, as some producers do, edXML). */
  namespace: string;
  /** Path of the parent element, e.g. `edXML/edXMLEnvelope/edXMLHeader`. */
  parentPath: string;
  line: number;
  column: number;
  /** Byte offsets of the element in the submitted bytes. */
  start: number;
  end: number;
}

interface MessageBase {
  kind: MessageKind;
  from: Organization;
  /** Recipients: To/OrganId of a document, ResponseFor/OrganId of a status. In document order. */
  to: string[];
  /** DocumentId of a document; ResponseFor/DocumentId of a status. */
  documentId: string;
  traceHeaders: TraceHeader[];
  business: Business | null;
  references: ManifestReference[];
  attachments: AttachmentInfo[];
  signatures: SignatureLocation[];
  /** Non-fatal oddities the reader tolerated (for logs and clerks). */
  warnings: string[];
}

export interface EdocMessage extends MessageBase {
  kind: 'edoc';
  toOrganizations: Organization[];
  code?: DocumentCode;
  promulgationInfo?: PromulgationInfo;
  documentType?: DocumentType;
  subject?: string;
  content?: string;
  signerInfo?: SignerInfo;
  dueDate?: string;
  otherInfo?: OtherInfo;
  responseFor: ResponseFor[];
  steeringType?: string;
  toPlaces: string[];
  businessDocType: BusinessDocType;
}

export interface StatusMessage extends MessageBase {
  kind: 'status';
  responseFor: ResponseFor[];
  statusCode: StatusCode;
  description?: string;
  /** As written. */
  timestamp?: string;
  timestampIso?: string;
  staffInfo?: StaffInfo;
}

export type EdxmlMessage = EdocMessage | StatusMessage;

/** Limits the reader enforces on hostile input. */
export interface ParseLimits {
  /** Largest input in bytes (default 50 MiB). */
  maxBytes: number;
  /** Deepest element nesting (default 64). */
  maxDepth: number;
  /**
   * Most tree nodes — elements, attributes, text, comments, PIs — in one document
   * (default 100,000; absent = the default). Bounds memory: 50 MB of `<a/>` would
   * otherwise be 12 million element objects.
   */
  maxNodes?: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = { maxBytes: 50 * 1024 * 1024, maxDepth: 64, maxNodes: 100_000 };
