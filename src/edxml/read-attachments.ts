/**
 * The manifest References and the AttachmentEncoded/Attachment elements of an
 * edXML message, with size and SHA-256 of each decoded attachment.
 */
import { decodeBase64Parts, digestBase64, type Base64Piece } from './attachment-digest.js';
import { childText, edxmlChild, edxmlChildren } from './edxml-elements.js';
import { edxmlReject } from './edxml-reject.js';
import { DEFAULT_PARSE_LIMITS, type AttachmentInfo, type ManifestReference, type ParseLimits } from './types.js';
import { parseXml } from './xml/parse-xml.js';
import type { XmlDocument, XmlElement } from './xml/tree.js';

/** ContentId without the `cid:` prefix (and without the angle brackets some producers add). */
export function normalizeContentId(id: string): string {
  let s = id.trim();
  if (s.startsWith('<') && s.endsWith('>')) s = s.slice(1, -1).trim();
  if (s.slice(0, 4).toLowerCase() === 'cid:') s = s.slice(4).trim();
  return s;
}

/** Reads the manifest References (edXMLEnvelope/edXMLBody/edXMLManifest/Reference). */
export function readReferences(doc: XmlDocument, envelope: XmlElement | undefined, warnings: string[]): { ref: ManifestReference; el: XmlElement }[] {
  const out: { ref: ManifestReference; el: XmlElement }[] = [];
  for (const body of envelope ? edxmlChildren(envelope, 'edXMLBody') : []) {
    for (const manifest of edxmlChildren(body, 'edXMLManifest')) {
      for (const el of edxmlChildren(manifest, 'Reference')) {
        const rawId = childText(doc, el, 'ContentId');
        if (rawId === undefined) {
          warnings.push(`Manifest Reference at line ${el.line} has no ContentId`);
          continue;
        }
        const ref: ManifestReference = { contentId: normalizeContentId(rawId) };
        const contentType = childText(doc, el, 'ContentType');
        const description = childText(doc, el, 'Description');
        const attachmentName = childText(doc, el, 'AttachmentName');
        if (contentType !== undefined) ref.contentType = contentType;
        if (description !== undefined) ref.description = description;
        if (attachmentName !== undefined) ref.attachmentName = attachmentName;
        out.push({ ref, el });
      }
    }
  }
  return out;
}

/** The Attachment elements (AttachmentEncoded/Attachment, children of the root), in document order. */
function* attachmentElements(doc: XmlDocument): Generator<XmlElement> {
  for (const encoded of edxmlChildren(doc.root, 'AttachmentEncoded')) yield* edxmlChildren(encoded, 'Attachment');
}

/** The base64 text of a ContentTransferEncoded element: byte ranges of the source, and decoded text where it has references. */
function contentPieces(doc: XmlDocument, content: XmlElement): Base64Piece[] {
  const pieces: Base64Piece[] = [];
  for (const c of content.children) {
    if (c.type !== 'text') continue;
    // CR is whitespace to base64, so only text with references needs decoding first.
    const amp = c.verbatim || c.cdata ? -1 : doc.source.indexOf(0x26, c.start);
    const raw = amp === -1 || amp >= c.end;
    pieces.push(raw ? { start: c.start, end: c.end } : doc.textOf(c));
  }
  return pieces;
}

/**
 * The decoded bytes of the message's attachment at `index` (the order of
 * {@link readAttachments}), in parts made as they are read; undefined when
 * there is no such attachment. The document is parsed again for it, so the
 * bytes are exactly those the digest was taken of (references, CDATA).
 */
export function attachmentParts(bytes: Buffer, index: number, limits: Partial<ParseLimits> = {}): Generator<Buffer> | undefined {
  const doc = parseXml(bytes, { ...DEFAULT_PARSE_LIMITS, ...limits });
  let i = 0;
  for (const el of attachmentElements(doc)) {
    if (i++ !== index) continue;
    const content = edxmlChild(el, 'ContentTransferEncoded');
    return decodeBase64Parts(doc.source, content ? contentPieces(doc, content) : []);
  }
  return undefined;
}

export const invalidBase64Warning = (label: string): string => `Attachment ${label} has characters outside base64; they were skipped`;

/** An attachment whose digest is still to be taken (see readEdxmlDocumentInSteps). */
export interface PendingDigest {
  info: AttachmentInfo;
  pieces: Base64Piece[];
  /** How the attachment is named in a warning. */
  label: string;
  /** Where in the warnings its own warning goes, to keep the order a reading at once gives. */
  warningAt: number;
}

/**
 * Reads AttachmentEncoded/Attachment elements (children of the root),
 * digesting their content — or, given `pending`, leaving size and SHA-256 to
 * be filled in from the entries it adds there.
 */
export function readAttachments(doc: XmlDocument, warnings: string[], pending?: PendingDigest[]): AttachmentInfo[] {
  const out: AttachmentInfo[] = [];
  for (const el of attachmentElements(doc)) {
    const rawId = childText(doc, el, 'ContentId');
    if (rawId === undefined) warnings.push(`Attachment at line ${el.line} has no ContentId`);
    const label = rawId ?? `at line ${el.line}`;
    const content = edxmlChild(el, 'ContentTransferEncoded');
    let pieces: Base64Piece[] = [];
    let range = { start: el.contentStart, end: el.contentStart };
    if (content) {
      range = { start: content.contentStart, end: content.contentEnd };
      pieces = contentPieces(doc, content);
    } else {
      warnings.push(`Attachment ${label} has no ContentTransferEncoded`);
    }
    const digest = pending ? { size: 0, sha256: '', invalidCharacters: false } : digestBase64(doc.source, pieces);
    if (digest.invalidCharacters) warnings.push(invalidBase64Warning(label));
    const info: AttachmentInfo = {
      contentId: rawId === undefined ? '' : normalizeContentId(rawId),
      size: digest.size,
      sha256: digest.sha256,
      encodedRange: range,
    };
    pending?.push({ info, pieces, label, warningAt: warnings.length });
    const attachmentName = childText(doc, el, 'AttachmentName');
    const description = childText(doc, el, 'Description');
    const contentType = childText(doc, el, 'ContentType');
    if (attachmentName !== undefined) info.attachmentName = attachmentName;
    if (description !== undefined) info.description = description;
    if (contentType !== undefined) info.contentType = contentType;
    out.push(info);
  }
  return out;
}

/** Refuses a manifest Reference whose ContentId has no Attachment. */
export function checkReferencesHaveAttachments(refs: { ref: ManifestReference; el: XmlElement }[], attachments: AttachmentInfo[]): void {
  const ids = new Set(attachments.map((a) => a.contentId));
  for (const { ref, el } of refs) {
    if (!ids.has(ref.contentId)) {
      throw edxmlReject(
        'edxml.reference_without_attachment',
        `The manifest refers to ContentId "${ref.contentId}" but no Attachment has that ContentId`,
        el,
      );
    }
  }
}
