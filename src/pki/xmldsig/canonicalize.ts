/**
 * Canonical XML 1.0 (inclusive) and Exclusive XML Canonicalization 1.0, written over
 * the hub's own parsed tree (`XmlDocument`), streaming the canonical bytes into a sink
 * (usually a hash). Large verbatim text is passed straight from `doc.source`, so a
 * 50 MB attachment is never copied into a JS string.
 *
 * Scope: the node-sets XML-DSig produces for same-document references (a whole
 * document or one element subtree, optionally minus one excluded element for the
 * enveloped-signature transform). Comments are included only when asked.
 */
import type { XmlDocument, XmlElement, XmlNode, XmlText } from '../../edxml/xml/tree.js';

export type C14nKind = 'inclusive' | 'exclusive';

/** Where canonical bytes go; a node:crypto `Hash` fits. */
export interface ByteSink {
  update(data: Buffer | string): unknown;
}

export interface C14nOptions {
  kind: C14nKind;
  /** Keep comments (the `#WithComments` variants). */
  withComments?: boolean;
  /** Exclusive only: the InclusiveNamespaces PrefixList (`#default` stands for the default namespace). */
  inclusivePrefixes?: string[];
  /** An element left out together with its subtree (the enveloped signature). */
  exclude?: XmlElement | null;
}

type NsMap = Map<string, string>;

const FLUSH_AT = 16 * 1024;
const AMP = 0x26;
const LT = 0x3c;
const GT = 0x3e;
const CR = 0x0d;

/** Buffers small strings and hands big source slices through unchanged. */
class Writer {
  private pending = '';
  constructor(private readonly sink: ByteSink) {}
  str(s: string): void {
    this.pending += s;
    if (this.pending.length > FLUSH_AT) this.flush();
  }
  bytes(b: Buffer): void {
    this.flush();
    this.sink.update(b);
  }
  flush(): void {
    if (this.pending !== '') {
      this.sink.update(this.pending);
      this.pending = '';
    }
  }
}

function escapeText(s: string): string {
  return s.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#xD;'));
}

function escapeAttr(s: string): string {
  return s.replace(/[&<"\t\n\r]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '"' ? '&quot;' : c === '\t' ? '&#x9;' : c === '\n' ? '&#xA;' : '&#xD;',
  );
}

function hasByte(src: Buffer, byte: number, start: number, end: number): boolean {
  const i = src.indexOf(byte, start);
  return i !== -1 && i < end;
}

/** In-scope namespaces of `el` (declarations of it and its ancestors). */
function inScopeNamespaces(el: XmlElement): NsMap {
  const chain: XmlElement[] = [];
  for (let e: XmlElement | null = el; e; e = e.parent) chain.push(e);
  const map: NsMap = new Map();
  for (let i = chain.length - 1; i >= 0; i--) for (const d of chain[i]!.namespaceDecls) map.set(d.prefix, d.uri);
  return map;
}

function compareAttrs(a: { namespaceURI: string | null; localName: string }, b: { namespaceURI: string | null; localName: string }): number {
  const na = a.namespaceURI ?? '';
  const nb = b.namespaceURI ?? '';
  if (na !== nb) return na < nb ? -1 : 1;
  return a.localName < b.localName ? -1 : a.localName > b.localName ? 1 : 0;
}

const XML_NS = 'http://www.w3.org/XML/1998/namespace';

class Canonicalizer {
  private readonly w: Writer;
  private readonly exclusive: boolean;
  private readonly inclusivePrefixes: string[];

  constructor(
    private readonly doc: XmlDocument,
    sink: ByteSink,
    private readonly opts: C14nOptions,
  ) {
    this.w = new Writer(sink);
    this.exclusive = opts.kind === 'exclusive';
    this.inclusivePrefixes = (opts.inclusivePrefixes ?? []).map((p) => (p === '#default' ? '' : p));
  }

  document(): void {
    const { doc, w } = this;
    for (const n of doc.prolog) {
      if (this.misc(n)) w.str('\n');
    }
    this.apex(doc.root, false);
    for (const n of doc.epilog) {
      if (n.type === 'comment' && !this.opts.withComments) continue;
      w.str('\n');
      this.misc(n);
    }
    w.flush();
  }

  subtree(el: XmlElement): void {
    this.apex(el, true);
    this.w.flush();
  }

  private apex(el: XmlElement, withContext: boolean): void {
    const inScope = withContext ? inScopeNamespaces(el) : new Map(el.namespaceDecls.map((d) => [d.prefix, d.uri]));
    // xml:* attributes of ancestors are inherited by the apex of an inclusive subtree (C14N 1.0 §2.4).
    const inherited: XmlElement['attributes'] = [];
    if (withContext && !this.exclusive) {
      const seen = new Set(el.attributes.filter((a) => a.namespaceURI === XML_NS).map((a) => a.localName));
      for (let p = el.parent; p; p = p.parent) {
        for (const a of p.attributes) {
          if (a.namespaceURI === XML_NS && !seen.has(a.localName)) {
            seen.add(a.localName);
            inherited.push(a);
          }
        }
      }
    }
    this.element(el, inScope, new Map(), true, inherited);
  }

  /** Writes a comment or PI; returns false when nothing was written. */
  private misc(n: XmlNode): boolean {
    if (n.type === 'pi') {
      const data = n.data.replace(/\r\n?/g, '\n');
      this.w.str(data === '' ? `<?${n.target}?>` : `<?${n.target} ${data}?>`);
      return true;
    }
    if (n.type === 'comment' && this.opts.withComments) {
      this.w.str(this.doc.source.toString('utf8', n.start, n.end).replace(/\r\n?/g, '\n'));
      return true;
    }
    return false;
  }

  private element(el: XmlElement, parentScope: NsMap, rendered: NsMap, isApex: boolean, inherited: XmlElement['attributes']): void {
    const { w } = this;
    let inScope = parentScope;
    if (!isApex && el.namespaceDecls.length > 0) {
      inScope = new Map(parentScope);
      for (const d of el.namespaceDecls) inScope.set(d.prefix, d.uri);
    }

    // Candidate namespace nodes for this element.
    const candidates = new Map<string, string>();
    if (this.exclusive) {
      // Visibly utilized prefixes, plus the InclusiveNamespaces PrefixList ones in scope.
      candidates.set(el.prefix ?? '', el.namespaceURI ?? '');
      for (const a of el.attributes) if (a.prefix && a.prefix !== 'xml') candidates.set(a.prefix, a.namespaceURI ?? '');
      for (const p of this.inclusivePrefixes) {
        const uri = inScope.get(p);
        if (uri !== undefined && p !== 'xml') candidates.set(p, uri);
      }
    } else if (isApex) {
      for (const [p, uri] of inScope) if (p !== 'xml') candidates.set(p, uri);
    } else {
      // Below the apex every ancestor is output, so only this element's own declarations can differ.
      for (const d of el.namespaceDecls) if (d.prefix !== 'xml') candidates.set(d.prefix, d.uri);
    }
    const out: [string, string][] = [];
    for (const [p, uri] of candidates) {
      if ((rendered.get(p) ?? '') !== uri) out.push([p, uri]);
    }
    let childRendered = rendered;
    if (out.length > 0) {
      out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      childRendered = new Map(rendered);
      for (const [p, uri] of out) childRendered.set(p, uri);
    }

    let tag = `<${el.qname}`;
    for (const [p, uri] of out) tag += p === '' ? ` xmlns="${escapeAttr(uri)}"` : ` xmlns:${p}="${escapeAttr(uri)}"`;
    const attrs = inherited.length > 0 ? [...el.attributes, ...inherited] : el.attributes;
    const sorted = attrs.length > 1 ? attrs.slice().sort(compareAttrs) : attrs;
    for (const a of sorted) tag += ` ${a.qname}="${escapeAttr(a.value)}"`;
    w.str(`${tag}>`);

    for (const c of el.children) {
      if (c.type === 'element') {
        if (c !== this.opts.exclude) this.element(c, inScope, childRendered, false, []);
      } else if (c.type === 'text') {
        this.text(c);
      } else {
        this.misc(c);
      }
    }
    w.str(`</${el.qname}>`);
  }

  private text(n: XmlText): void {
    const src = this.doc.source;
    if (n.verbatim) {
      // Verbatim text has no '&' and no CR; CDATA may hold '&' and '<'; either may hold '>'.
      const clean = !hasByte(src, GT, n.start, n.end) && (!n.cdata || (!hasByte(src, AMP, n.start, n.end) && !hasByte(src, LT, n.start, n.end)));
      if (clean && !hasByte(src, CR, n.start, n.end)) {
        if (n.end - n.start > 256) this.w.bytes(src.subarray(n.start, n.end));
        else this.w.str(src.toString('utf8', n.start, n.end));
        return;
      }
    }
    this.w.str(escapeText(this.doc.textOf(n)));
  }
}

/** Streams the canonical form of the whole document (or of `target`'s subtree, in its namespace context) into `sink`. */
export function canonicalizeInto(doc: XmlDocument, target: XmlElement | 'document', sink: ByteSink, opts: C14nOptions): void {
  const c = new Canonicalizer(doc, sink, opts);
  if (target === 'document') c.document();
  else c.subtree(target);
}

/** The canonical form as bytes (for small subtrees such as SignedInfo). */
export function canonicalize(doc: XmlDocument, target: XmlElement | 'document', opts: C14nOptions): Buffer {
  const parts: Buffer[] = [];
  canonicalizeInto(doc, target, { update: (d) => parts.push(typeof d === 'string' ? Buffer.from(d, 'utf8') : d) }, opts);
  return Buffer.concat(parts);
}
