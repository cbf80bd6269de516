/**
 * Small queries over the parsed tree used by the edXML reader: edXML elements are
 * matched by namespace URI and local name, whatever prefix the producer chose.
 */
import { EDXML_NS } from './types.js';
import type { XmlDocument, XmlElement } from './xml/tree.js';

/** Child elements of `el` in the edXML namespace named `local`, in document order. */
export function edxmlChildren(el: XmlElement, local: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) {
    if (c.type === 'element' && c.localName === local && c.namespaceURI === EDXML_NS) out.push(c);
  }
  return out;
}

/** First edXML child named `local`, or undefined. */
export function edxmlChild(el: XmlElement | undefined, local: string): XmlElement | undefined {
  if (!el) return undefined;
  for (const c of el.children) {
    if (c.type === 'element' && c.localName === local && c.namespaceURI === EDXML_NS) return c;
  }
  return undefined;
}

/** Trimmed text of an element; undefined when the element is absent or its text is empty. */
export function textValue(doc: XmlDocument, el: XmlElement | undefined): string | undefined {
  if (!el) return undefined;
  const t = doc.textContent(el).trim();
  return t === '' ? undefined : t;
}

/** Trimmed text of the first edXML child `local`; undefined when absent or empty. */
export function childText(doc: XmlDocument, el: XmlElement | undefined, local: string): string | undefined {
  return textValue(doc, edxmlChild(el, local));
}

/** Slash-separated local names from the root down to `el`, e.g. `edXML/edXMLEnvelope/edXMLHeader`. */
export function elementPath(el: XmlElement): string {
  const names: string[] = [];
  for (let e: XmlElement | null = el; e; e = e.parent) names.push(e.localName);
  return names.reverse().join('/');
}

/** Copies the defined values of `obj`; returns undefined when none is defined. */
export function compact<T extends object>(obj: T): T | undefined {
  const out: Record<string, unknown> = {};
  let any = false;
  for (const [k, v] of Object.entries(obj)) {
    if (v !== undefined) {
      out[k] = v;
      any = true;
    }
  }
  return any ? (out as T) : undefined;
}
