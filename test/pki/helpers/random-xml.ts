/**
 * Seeded generator of namespace-heavy XML documents for the C14N oracle tests:
 * namespaces on the root only, default namespaces switched on and off, prefixes
 * redeclared, attributes in odd orders, Vietnamese text, CRLF, entities, CDATA,
 * comments and PIs (only outside the root: xml-crypto drops the markup of PIs inside
 * elements and does not escape namespace URIs, both contrary to C14N 1.0 §2.3, so
 * those two cases are covered by hand-written expectations instead).
 */

import { prng } from '../../helpers/prng.js';

const URIS = ['http://www.mic.gov.vn/TBT/QCVN_102_2016', 'urn:a', 'urn:b', 'http://example.org/x?q=1', 'urn:c'];
const PREFIXES = ['edXML', 'a', 'b', 'ds'];
const NAMES = ['MessageHeader', 'From', 'OrganId', 'Subject', 'x', 'Item', 'Đơn-vị', 'v_1'];
const TEXTS = [
  'Văn bản hành chính số 7816/VPCP-TTĐT',
  'a &amp; b &lt; c &gt; d',
  'line1\r\nline2\rline3\n',
  ' \t spaces\t ',
  'quote " apostrophe \' gt >',
  '&#x1F600; &#233; &#xD; &#9;',
  'Ủy ban nhân dân tỉnh Thanh Hóa',
  '',
];
const ATTR_VALUES = ['1', 'a&amp;b', 'x &lt; y', 'q&quot;q', "it's", 'tab&#9;nl&#10;cr&#13;', 'Hà Nội', '  spaced  out ', 'raw\ttab\nnl'];

/** A random well-formed, namespace-well-formed document. */
export function randomXml(seed: number): string {
  const r = prng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  let out = r() < 0.5 ? '<?xml version="1.0" encoding="UTF-8"?>\n' : '';
  if (r() < 0.3) out += '<?pi-before some data?>\n';
  if (r() < 0.3) out += '<!-- prolog comment -->\n';

  const walk = (depth: number, scope: Map<string, string>): void => {
    const decls: [string, string][] = [];
    const local = new Map(scope);
    const declCount = depth === 0 ? 2 + Math.floor(r() * 3) : r() < 0.3 ? 1 + Math.floor(r() * 2) : 0;
    for (let i = 0; i < declCount; i++) {
      const p = r() < 0.3 ? '' : pick(PREFIXES);
      if (decls.some(([q]) => q === p)) continue;
      // The default namespace may be undeclared; a prefix may not (XML Namespaces 1.0).
      const uri = p === '' && r() < 0.25 ? '' : pick(URIS);
      decls.push([p, uri]);
      local.set(p, uri);
    }
    const usable = [...local.entries()].filter(([p, u]) => p !== '' && u !== '').map(([p]) => p);
    const prefix = r() < 0.5 && usable.length > 0 ? pick(usable) : null;
    const name = `${prefix ? `${prefix}:` : ''}${pick(NAMES)}`;
    const localUri = (p: string): string => local.get(p) ?? '';
    const attrs: string[] = [];
    const used = new Set<string>();
    const attrCount = Math.floor(r() * 4);
    for (let i = 0; i < attrCount; i++) {
      const ap = r() < 0.4 && usable.length > 0 ? pick(usable) : r() < 0.1 ? 'xml' : null;
      const ln = ap === 'xml' ? pick(['lang', 'space']) : pick(['Id', 'z', 'a', 'b', 'B', 'type']);
      const expanded = `${ap ? (ap === 'xml' ? 'xml' : localUri(ap)) : ''}|${ln}`;
      if (used.has(expanded)) continue;
      used.add(expanded);
      attrs.push(`${ap ? `${ap}:` : ''}${ln}="${pick(ATTR_VALUES)}"`);
    }
    const nsAttrs = decls.map(([p, u]) => (p === '' ? `xmlns="${u}"` : `xmlns:${p}="${u}"`));
    // Interleave namespace declarations and attributes in an odd order.
    const all = [...attrs, ...nsAttrs].sort(() => r() - 0.5);
    out += `<${name}${all.map((a) => ` ${a}`).join('')}`;
    const childCount = depth > 4 ? 0 : Math.floor(r() * 4);
    if (childCount === 0 && r() < 0.4) {
      out += '/>';
      return;
    }
    out += '>';
    for (let i = 0; i < childCount; i++) {
      const k = r();
      if (k < 0.5) walk(depth + 1, local);
      else if (k < 0.75) out += pick(TEXTS);
      else if (k < 0.82) out += '<![CDATA[ <cdata> & "stuff" ]]>';
      else if (k < 0.9) out += '<!-- a comment -->';
      else out += '<!--x-->';
    }
    if (r() < 0.5) out += pick(TEXTS);
    out += `</${name}>`;
  };
  walk(0, new Map());
  if (r() < 0.3) out += '\n<!-- epilog -->';
  if (r() < 0.3) out += '\n<?pi-after?>';
  return out;
}
