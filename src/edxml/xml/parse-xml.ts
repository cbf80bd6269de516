/**
 * A safe, namespace-aware XML 1.0 parser for submitted edXML bytes.
 *
 * Why our own: no installed library gives all of byte offsets into the submitted
 * bytes, text kept as byte ranges (a 50 MB base64 attachment is never one JS
 * string), outright refusal of any DTD, line/column on every error and a hard
 * nesting limit. The parser is a single forward scan over the Buffer using
 * `indexOf` and byte comparisons, iterative (an explicit stack, no recursion).
 *
 * Refused, each as a HubError with a stable code and the line/column of the fault:
 * DOCTYPE/DTD/ENTITY declarations (never expanded, never fetched), entity
 * references other than the five predefined ones, anything not well-formed or not
 * namespace-well-formed, input over `limits.maxBytes` (413), nested deeper than
 * `limits.maxDepth` or with more than `limits.maxNodes` nodes.
 */
import { isUtf8 } from 'node:buffer';
import { HubError } from '../../shared/hub-error.js';
import { DEFAULT_PARSE_LIMITS, type ParseLimits } from '../types.js';
import type {
  XmlAttribute,
  XmlComment,
  XmlDocument,
  XmlElement,
  XmlNamespaceDecl,
  XmlNode,
  XmlProcessingInstruction,
  XmlText,
} from './tree.js';
import { createLineIndex } from './line-index.js';
import { firstIllegalXmlChar, firstInvalidUtf8 } from './xml-chars.js';
import { expandReferences, findBadReference } from './references.js';

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const EQUALS = 0x3d;
const COLON = 0x3a;
const AMP = 0x26;
const CR = 0x0d;
const DQUOTE = 0x22;
const SQUOTE = 0x27;

/** 1 = may continue a name, 2 = may also start one. Non-ASCII bytes are accepted as name characters. */
const NAME_CLASS = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  const letter = (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
  if (letter || b === 0x5f || b === COLON || b >= 0x80) NAME_CLASS[b] = 2;
  else if ((b >= 0x30 && b <= 0x39) || b === 0x2d || b === 0x2e) NAME_CLASS[b] = 1;
}

function isWs(b: number | undefined): boolean {
  return b === 0x20 || b === 0x0a || b === 0x09 || b === 0x0d;
}

const CDATA_OPEN = Buffer.from('<![CDATA[');
const COMMENT_OPEN = Buffer.from('<!--');
const DTD_WORDS = ['<!DOCTYPE', '<!ENTITY', '<!ELEMENT', '<!ATTLIST', '<!NOTATION'].map((w) => Buffer.from(w));
// XML's S (space, tab, CR, LF): JavaScript's \s would also let NBSP or U+2028 through.
const S = '[ \\t\\r\\n]';
const XML_DECL_RE = new RegExp(
  `^<\\?xml${S}+version${S}*=${S}*(["'])1\\.[0-9]+\\1(?:${S}+encoding${S}*=${S}*(["'])([A-Za-z][A-Za-z0-9._-]*)\\2)?(?:${S}+standalone${S}*=${S}*(["'])(?:yes|no)\\4)?${S}*\\?>$`,
);

/**
 * Finds the next occurrence of a needle at or after a position that only moves
 * forward, remembering the last hit so the whole document is searched once.
 */
class NextFinder {
  private at = -2;
  constructor(
    private readonly src: Buffer,
    private readonly needle: string | number,
  ) {}
  /** True when the needle occurs in [from, to). */
  within(from: number, to: number): boolean {
    if (this.at !== -1 && this.at < from) this.at = this.src.indexOf(this.needle, from);
    return this.at !== -1 && this.at < to;
  }
}

interface RawAttribute {
  qname: string;
  colon: number;
  start: number;
  valueStart: number;
  valueEnd: number;
  /** The value needs more than a UTF-8 decode (references or whitespace to normalize). */
  plain: boolean;
}

/**
 * Parses `source` into a namespace-resolved tree, or throws a HubError
 * (`edxml.too_large`, `edxml.empty`, `edxml.invalid_encoding`,
 * `edxml.unsupported_encoding`, `edxml.not_well_formed`, `edxml.dtd_forbidden`,
 * `edxml.undefined_entity`, `edxml.undeclared_prefix`, `edxml.namespace_error`,
 * `edxml.too_deep`, `edxml.too_many_nodes`).
 */
export function parseXml(source: Buffer, limits: ParseLimits): XmlDocument {
  const src = source;
  const len = src.length;
  if (len > limits.maxBytes) {
    throw new HubError('edxml.too_large', `The message is ${len} bytes, above the limit of ${limits.maxBytes} bytes.`, {
      status: 413,
      details: { size: len, maxBytes: limits.maxBytes },
    });
  }
  if (len === 0) throw new HubError('edxml.empty', 'The message is empty.');

  const lines = createLineIndex(src);
  const fail = (code: string, message: string, offset: number, element?: string): HubError => {
    const { line, column } = lines.position(offset);
    return new HubError(code, `${message} (line ${line}, column ${column})`, element === undefined ? { line, column } : { line, column, element });
  };

  if ((src[0] === 0xfe && src[1] === 0xff) || (src[0] === 0xff && src[1] === 0xfe)) {
    throw new HubError('edxml.unsupported_encoding', 'The message is UTF-16; only UTF-8 is accepted.');
  }
  if (!isUtf8(src)) {
    throw fail('edxml.invalid_encoding', 'The message is not valid UTF-8', firstInvalidUtf8(src));
  }
  const illegal = firstIllegalXmlChar(src);
  if (illegal !== -1) {
    throw fail('edxml.not_well_formed', `Character U+${src[illegal]!.toString(16).padStart(4, '0').toUpperCase()} is not allowed in XML`, illegal);
  }

  let pos = 0;
  if (src[0] === 0xef && src[1] === 0xbb && src[2] === 0xbf) pos = 3;
  {
    let q = pos;
    while (q < len && isWs(src[q])) q++;
    if (q === len) throw new HubError('edxml.empty', 'The message contains no XML.');
  }

  const startsWith = (word: Buffer, at: number): boolean => src.compare(word, 0, word.length, at, Math.min(len, at + word.length)) === 0;

  // XML declaration: only at the very start (after a BOM).
  if (src.toString('latin1', pos, pos + 5) === '<?xml' && (isWs(src[pos + 5]) || src[pos + 5] === QUESTION)) {
    const end = src.indexOf('?>', pos);
    if (end === -1) throw fail('edxml.not_well_formed', 'The XML declaration is not closed with "?>"', pos);
    const decl = src.toString('utf8', pos, end + 2);
    const m = XML_DECL_RE.exec(decl);
    if (!m) throw fail('edxml.not_well_formed', 'Malformed XML declaration', pos);
    const enc = m[3];
    if (enc !== undefined && !/^utf-?8$/i.test(enc)) {
      throw fail('edxml.unsupported_encoding', `The declared encoding "${enc}" is not supported; only UTF-8 is accepted`, pos);
    }
    pos = end + 2;
  }

  const ampFinder = new NextFinder(src, AMP);
  const crFinder = new NextFinder(src, CR);
  const cdataEndFinder = new NextFinder(src, ']]>');

  const maxNodes = limits.maxNodes ?? DEFAULT_PARSE_LIMITS.maxNodes ?? Infinity;
  let nodes = 0;
  const countNode = (offset: number): void => {
    if (++nodes > maxNodes) {
      throw fail('edxml.too_many_nodes', `The document has more than ${maxNodes} elements, attributes, text and comment nodes`, offset);
    }
  };

  const nsMap = new Map<string, string>([['xml', XML_NS]]);
  const stack: XmlElement[] = [];
  const nameStarts: number[] = [];
  const nameEnds: number[] = [];
  const undoStack: ([string, string | undefined][] | null)[] = [];
  const prolog: (XmlComment | XmlProcessingInstruction)[] = [];
  const epilog: (XmlComment | XmlProcessingInstruction)[] = [];
  let root: XmlElement | null = null;

  const decodeAttr = (a: RawAttribute): string => {
    const raw = src.toString('utf8', a.valueStart, a.valueEnd);
    if (a.plain) return raw;
    // XML 1.0 §3.3.3: line ends → LF, then each whitespace character → space; references after.
    return expandReferences(raw.replace(/\r\n?|[\t\n]/g, ' '));
  };

  const readName = (at: number, what: string): number => {
    if (NAME_CLASS[src[at] ?? 0] !== 2 || src[at] === COLON) {
      throw fail('edxml.not_well_formed', at >= len ? `The document ends inside ${what}` : `Invalid character in ${what}`, at);
    }
    let p = at + 1;
    while (p < len && NAME_CLASS[src[p]!] !== 0) p++;
    return p;
  };

  const checkQName = (name: string, at: number): number => {
    const colon = name.indexOf(':');
    if (colon !== -1 && (colon === name.length - 1 || name.indexOf(':', colon + 1) !== -1)) {
      throw fail('edxml.namespace_error', `"${name}" is not a valid qualified name`, at);
    }
    return colon;
  };

  const addChild = (node: XmlNode): void => {
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(node);
    else if (node.type === 'comment' || node.type === 'pi') (root ? epilog : prolog).push(node);
  };

  const addText = (s: number, e: number): void => {
    if (cdataEndFinder.within(s, e)) throw fail('edxml.not_well_formed', '"]]>" is not allowed in text', src.indexOf(']]>', s));
    const hasAmp = ampFinder.within(s, e);
    if (hasAmp) {
      const bad = findBadReference(src, s, e);
      if (bad) {
        throw bad.kind === 'undefined_entity'
          ? fail('edxml.undefined_entity', `Entity reference ${bad.text} is not defined (only &lt; &gt; &amp; &quot; &apos; and character references are allowed)`, bad.offset)
          : fail('edxml.not_well_formed', `Malformed reference "${bad.text}" (a literal "&" must be written &amp;)`, bad.offset);
      }
    }
    countNode(s);
    const node: XmlText = { type: 'text', start: s, end: e, cdata: false, verbatim: !hasAmp && !crFinder.within(s, e) };
    stack[stack.length - 1]!.children.push(node);
  };

  const parseStartTag = (): void => {
    const start = pos;
    if (root && stack.length === 0) throw fail('edxml.not_well_formed', 'A second element follows the root element', start);
    if (stack.length + 1 > limits.maxDepth) {
      throw fail('edxml.too_deep', `Elements are nested deeper than the limit of ${limits.maxDepth} levels`, start);
    }
    countNode(start);
    const nameStart = pos + 1;
    const nameEnd = readName(nameStart, 'an element name');
    const qname = src.toString('utf8', nameStart, nameEnd);
    const colon = checkQName(qname, nameStart);
    let p = nameEnd;
    let raws: RawAttribute[] | null = null;
    // Duplicate check: a linear scan for the usual few attributes, a Set beyond.
    let seen: Set<string> | null = null;
    let selfClose = false;
    for (;;) {
      const wsStart = p;
      while (p < len && isWs(src[p])) p++;
      const b = src[p];
      if (b === GT) {
        p++;
        break;
      }
      if (b === SLASH) {
        if (src[p + 1] !== GT) throw fail('edxml.not_well_formed', `Expected ">" after "/" in the start tag of <${qname}>`, p);
        p += 2;
        selfClose = true;
        break;
      }
      if (p >= len) throw fail('edxml.not_well_formed', `The document ends inside the start tag of <${qname}>`, start);
      if (p === wsStart) throw fail('edxml.not_well_formed', `Expected whitespace, ">" or "/>" in the start tag of <${qname}>`, p);
      const aStart = p;
      countNode(aStart);
      const aEnd = readName(p, `an attribute name of <${qname}>`);
      const aName = src.toString('utf8', aStart, aEnd);
      const aColon = checkQName(aName, aStart);
      p = aEnd;
      while (p < len && isWs(src[p])) p++;
      if (src[p] !== EQUALS) throw fail('edxml.not_well_formed', `Expected "=" after attribute ${aName} of <${qname}>`, p);
      p++;
      while (p < len && isWs(src[p])) p++;
      const quote = src[p];
      if (quote !== DQUOTE && quote !== SQUOTE) throw fail('edxml.not_well_formed', `The value of attribute ${aName} of <${qname}> must be quoted`, p);
      const vStart = p + 1;
      const vEnd = src.indexOf(quote, vStart);
      if (vEnd === -1) throw fail('edxml.not_well_formed', `The value of attribute ${aName} of <${qname}> is not closed`, p);
      let plain = true;
      for (let i = vStart; i < vEnd; i++) {
        const c = src[i]!;
        if (c === LT) throw fail('edxml.not_well_formed', `"<" is not allowed in the value of attribute ${aName} of <${qname}>`, i);
        if (c === AMP || c === 0x09 || c === 0x0a || c === CR) plain = false;
      }
      if (!plain) {
        const bad = findBadReference(src, vStart, vEnd);
        if (bad) {
          throw bad.kind === 'undefined_entity'
            ? fail('edxml.undefined_entity', `Entity reference ${bad.text} in attribute ${aName} is not defined`, bad.offset)
            : fail('edxml.not_well_formed', `Malformed reference "${bad.text}" in attribute ${aName}`, bad.offset);
        }
      }
      raws ??= [];
      if (seen === null && raws.length >= 8) seen = new Set(raws.map((r) => r.qname));
      if (seen ? seen.has(aName) : raws.some((r) => r.qname === aName)) {
        throw fail('edxml.not_well_formed', `Attribute ${aName} appears twice on <${qname}>`, aStart);
      }
      seen?.add(aName);
      raws.push({ qname: aName, colon: aColon, start: aStart, valueStart: vStart, valueEnd: vEnd, plain });
      p = vEnd + 1;
    }

    // Namespace declarations first: they apply to the element's own name and attributes.
    const namespaceDecls: XmlNamespaceDecl[] = [];
    let undo: [string, string | undefined][] | null = null;
    if (raws) {
      for (const a of raws) {
        const isDefault = a.qname === 'xmlns';
        if (!isDefault && !(a.colon === 5 && a.qname.startsWith('xmlns:'))) continue;
        const prefix = isDefault ? '' : a.qname.slice(6);
        const uri = decodeAttr(a);
        if (prefix === 'xmlns') throw fail('edxml.namespace_error', 'The prefix "xmlns" cannot be declared', a.start);
        if (prefix === 'xml' ? uri !== XML_NS : uri === XML_NS) {
          throw fail('edxml.namespace_error', `The prefix "xml" and the namespace ${XML_NS} belong only to each other`, a.start);
        }
        if (uri === XMLNS_NS) throw fail('edxml.namespace_error', `The namespace ${XMLNS_NS} cannot be declared`, a.start);
        if (prefix !== '' && uri === '') {
          throw fail('edxml.namespace_error', `xmlns:${prefix}="" is not allowed (a prefix cannot be undeclared in XML 1.0)`, a.start);
        }
        namespaceDecls.push({ prefix, uri });
        undo ??= [];
        undo.push([prefix, nsMap.get(prefix)]);
        nsMap.set(prefix, uri);
      }
    }

    const prefix = colon === -1 ? null : qname.slice(0, colon);
    const localName = colon === -1 ? qname : qname.slice(colon + 1);
    let namespaceURI: string | null;
    if (prefix === null) {
      namespaceURI = nsMap.get('') || null;
    } else {
      const uri = nsMap.get(prefix);
      if (uri === undefined) {
        throw fail('edxml.undeclared_prefix', `The prefix "${prefix}" of element <${qname}> is not declared`, start, qname);
      }
      namespaceURI = uri;
    }

    const attributes: XmlAttribute[] = [];
    if (raws) {
      let prefixed = 0;
      for (const a of raws) {
        if (a.qname === 'xmlns' || (a.colon === 5 && a.qname.startsWith('xmlns:'))) continue;
        const aPrefix = a.colon === -1 ? null : a.qname.slice(0, a.colon);
        let aUri: string | null = null;
        if (aPrefix !== null) {
          prefixed++;
          const uri = nsMap.get(aPrefix);
          if (uri === undefined) {
            throw fail('edxml.undeclared_prefix', `The prefix "${aPrefix}" of attribute ${a.qname} on element <${qname}> is not declared`, a.start, qname);
          }
          aUri = uri;
        }
        attributes.push({
          qname: a.qname,
          prefix: aPrefix,
          localName: a.colon === -1 ? a.qname : a.qname.slice(a.colon + 1),
          namespaceURI: aUri,
          value: decodeAttr(a),
          start: a.start,
        });
      }
      if (prefixed > 0) {
        const expanded = new Set<string>();
        for (const a of attributes) {
          const key = `${a.namespaceURI ?? ''}|${a.localName}`;
          if (expanded.has(key)) throw fail('edxml.namespace_error', `Attribute {${a.namespaceURI ?? ''}}${a.localName} appears twice on <${qname}>`, a.start);
          expanded.add(key);
        }
      }
    }

    const { line, column } = lines.advance(start);
    const parent = stack[stack.length - 1] ?? null;
    const el: XmlElement = {
      type: 'element',
      qname,
      prefix,
      localName,
      namespaceURI,
      attributes,
      namespaceDecls,
      children: [],
      parent,
      start,
      end: p,
      contentStart: p,
      contentEnd: p,
      line,
      column,
    };
    if (parent) parent.children.push(el);
    else root = el;
    pos = p;
    if (selfClose) {
      if (undo) restore(undo);
    } else {
      stack.push(el);
      nameStarts.push(nameStart);
      nameEnds.push(nameEnd);
      undoStack.push(undo);
    }
  };

  const restore = (undo: [string, string | undefined][]): void => {
    for (let i = undo.length - 1; i >= 0; i--) {
      const [prefix, previous] = undo[i]!;
      if (previous === undefined) nsMap.delete(prefix);
      else nsMap.set(prefix, previous);
    }
  };

  const parseEndTag = (): void => {
    const start = pos;
    const nameStart = pos + 2;
    const nameEnd = readName(nameStart, 'an end tag');
    const el = stack[stack.length - 1];
    if (!el) throw fail('edxml.not_well_formed', `End tag </${src.toString('utf8', nameStart, nameEnd)}> has no matching start tag`, start);
    const os = nameStarts[nameStarts.length - 1]!;
    const oe = nameEnds[nameEnds.length - 1]!;
    if (nameEnd - nameStart !== oe - os || src.compare(src, os, oe, nameStart, nameEnd) !== 0) {
      throw fail(
        'edxml.not_well_formed',
        `End tag </${src.toString('utf8', nameStart, nameEnd)}> does not match start tag <${el.qname}> of line ${el.line}`,
        start,
        el.qname,
      );
    }
    let p = nameEnd;
    while (p < len && isWs(src[p])) p++;
    if (src[p] !== GT) throw fail('edxml.not_well_formed', `Expected ">" to close the end tag </${el.qname}>`, p);
    p++;
    el.contentEnd = start;
    el.end = p;
    stack.pop();
    nameStarts.pop();
    nameEnds.pop();
    const undo = undoStack.pop();
    if (undo) restore(undo);
    pos = p;
  };

  const parseMarkupDecl = (): void => {
    if (startsWith(COMMENT_OPEN, pos)) {
      const end = src.indexOf('-->', pos + 4);
      if (end === -1) throw fail('edxml.not_well_formed', 'Comment is not closed with "-->"', pos);
      const dd = src.indexOf('--', pos + 4);
      if (dd < end) throw fail('edxml.not_well_formed', '"--" is not allowed inside a comment', dd);
      countNode(pos);
      addChild({ type: 'comment', start: pos, end: end + 3 });
      pos = end + 3;
      return;
    }
    if (startsWith(CDATA_OPEN, pos)) {
      if (stack.length === 0) throw fail('edxml.not_well_formed', 'CDATA section outside the root element', pos);
      const s = pos + CDATA_OPEN.length;
      const end = src.indexOf(']]>', s);
      if (end === -1) throw fail('edxml.not_well_formed', 'CDATA section is not closed with "]]>"', pos);
      countNode(pos);
      stack[stack.length - 1]!.children.push({ type: 'text', start: s, end, cdata: true, verbatim: !crFinder.within(s, end) });
      pos = end + 3;
      return;
    }
    if (DTD_WORDS.some((w) => startsWith(w, pos))) {
      throw fail('edxml.dtd_forbidden', 'DOCTYPE and entity declarations are not accepted (no DTD is ever read or fetched)', pos);
    }
    throw fail('edxml.not_well_formed', 'Invalid markup after "<!"', pos);
  };

  const parsePi = (): void => {
    const tStart = pos + 2;
    const tEnd = readName(tStart, 'a processing instruction');
    const target = src.toString('utf8', tStart, tEnd);
    if (target.toLowerCase() === 'xml') {
      throw fail('edxml.not_well_formed', 'The XML declaration is only allowed at the very start of the document', pos);
    }
    const end = src.indexOf('?>', tEnd);
    if (end === -1) throw fail('edxml.not_well_formed', `Processing instruction <?${target} is not closed with "?>"`, pos);
    if (end !== tEnd && !isWs(src[tEnd])) throw fail('edxml.not_well_formed', `Invalid processing instruction target "${target}…"`, pos);
    let d = tEnd;
    while (d < end && isWs(src[d])) d++;
    countNode(pos);
    addChild({ type: 'pi', target, data: src.toString('utf8', d, end), start: pos, end: end + 2 });
    pos = end + 2;
  };

  while (pos < len) {
    if (src[pos] !== LT) {
      let lt = src.indexOf(LT, pos);
      if (lt === -1) lt = len;
      if (stack.length === 0) {
        let q = pos;
        while (q < lt && isWs(src[q])) q++;
        if (q < lt) {
          throw fail('edxml.not_well_formed', root ? 'Text is not allowed after the root element' : 'Text is not allowed before the XML declaration or the root element', q);
        }
      } else {
        addText(pos, lt);
      }
      pos = lt;
      continue;
    }
    const b1 = src[pos + 1];
    if (b1 === SLASH) parseEndTag();
    else if (b1 === BANG) parseMarkupDecl();
    else if (b1 === QUESTION) parsePi();
    else parseStartTag();
  }

  const open = stack[stack.length - 1];
  if (open) {
    throw fail('edxml.not_well_formed', `The document ends before <${open.qname}> (line ${open.line}) is closed`, len, open.qname);
  }
  if (!root) throw fail('edxml.not_well_formed', 'The document has no root element', len);

  return createXmlDocument(src, root, prolog, epilog, lines.position);
}

function createXmlDocument(
  source: Buffer,
  root: XmlElement,
  prolog: (XmlComment | XmlProcessingInstruction)[],
  epilog: (XmlComment | XmlProcessingInstruction)[],
  position: (offset: number) => { line: number; column: number },
): XmlDocument {
  const textOf = (node: XmlText): string => {
    const raw = source.toString('utf8', node.start, node.end);
    if (node.verbatim) return raw;
    const lf = raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw;
    return node.cdata ? lf : expandReferences(lf);
  };
  return {
    source,
    root,
    prolog,
    epilog,
    textOf,
    textContent(el) {
      let out = '';
      for (const c of el.children) if (c.type === 'text') out += textOf(c);
      return out;
    },
    position,
  };
}
