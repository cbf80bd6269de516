/**
 * The namespace-resolved XML tree that the safe parser (`parse-xml.ts`) builds
 * from the submitted bytes. The edXML reader and the XML-DSig verifier both work
 * on this one tree, so the node whose signature is checked is the node that is read.
 *
 * Offsets are byte offsets into `XmlDocument.source` (after nothing is stripped:
 * a BOM, if any, is at offset 0..3). Large text is not copied into strings: a
 * text node keeps its byte range and is decoded on demand.
 */

export interface XmlAttribute {
  /** As written, e.g. `xlink:href`. */
  qname: string;
  prefix: string | null;
  localName: string;
  /** Resolved namespace URI; null for an unprefixed attribute. */
  namespaceURI: string | null;
  /** Normalized value (entity and character references resolved, whitespace normalized as XML 1.0 §3.3.3 for CDATA attributes). */
  value: string;
  start: number;
}

/** A namespace declaration written on an element (`xmlns` or `xmlns:p`). */
export interface XmlNamespaceDecl {
  /** '' for the default namespace. */
  prefix: string;
  /** '' undeclares the default namespace. */
  uri: string;
}

export interface XmlElement {
  type: 'element';
  qname: string;
  prefix: string | null;
  localName: string;
  namespaceURI: string | null;
  /** Attributes other than namespace declarations, in document order. */
  attributes: XmlAttribute[];
  /** Namespace declarations written on this element, in document order. */
  namespaceDecls: XmlNamespaceDecl[];
  children: XmlNode[];
  parent: XmlElement | null;
  /** Offset of '<' of the start tag. */
  start: number;
  /** Offset just after the '>' of the end tag (or of the empty-element tag). */
  end: number;
  /** Offset just after the '>' of the start tag. */
  contentStart: number;
  /** Offset of '<' of the end tag (equal to end for an empty-element tag). */
  contentEnd: number;
  /** 1-based position of the start tag. */
  line: number;
  column: number;
}

export interface XmlText {
  type: 'text';
  /** Byte range of the text as written (for CDATA: the content between `<![CDATA[` and `]]>`). */
  start: number;
  end: number;
  /** True for a CDATA section. */
  cdata: boolean;
  /**
   * True when the decoded character data is byte-for-byte the source range:
   * no references, no CR to normalize. Lets the c14n and base64 code hash or decode
   * the source slice directly.
   */
  verbatim: boolean;
}

export interface XmlComment {
  type: 'comment';
  start: number;
  end: number;
}

export interface XmlProcessingInstruction {
  type: 'pi';
  target: string;
  /** Data after the target and the whitespace that follows it. */
  data: string;
  start: number;
  end: number;
}

export type XmlNode = XmlElement | XmlText | XmlComment | XmlProcessingInstruction;

export interface XmlDocument {
  /** The exact submitted bytes. */
  source: Buffer;
  root: XmlElement;
  /** Comments and PIs before the root element (the XML declaration is not a PI and is not here). */
  prolog: (XmlComment | XmlProcessingInstruction)[];
  /** Comments and PIs after the root element. */
  epilog: (XmlComment | XmlProcessingInstruction)[];
  /** Decoded character data of a text node (references resolved, line ends normalized). */
  textOf(node: XmlText): string;
  /** Concatenated decoded text of an element's direct text children. */
  textContent(el: XmlElement): string;
  /** 1-based line/column of a byte offset (computed on demand; columns count characters). */
  position(offset: number): { line: number; column: number };
}
