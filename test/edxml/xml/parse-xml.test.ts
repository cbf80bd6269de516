import t from 'tap';
import { parseXml } from '../../../src/edxml/xml/parse-xml.js';
import { errorOf } from '../helpers/error-of.js';
import type { XmlElement, XmlText } from '../../../src/edxml/xml/tree.js';

const LIMITS = { maxBytes: 1024 * 1024, maxDepth: 64 };
const parse = (s: string | Buffer) => parseXml(typeof s === 'string' ? Buffer.from(s, 'utf8') : s, LIMITS);
const elements = (el: XmlElement): XmlElement[] => el.children.filter((c): c is XmlElement => c.type === 'element');
const texts = (el: XmlElement): XmlText[] => el.children.filter((c): c is XmlText => c.type === 'text');

t.test('line and column of elements count lines and characters (not bytes)', async (t) => {
  const doc = parse('<a>\n  <b/>\n  Tiếng Việt <c x="1"/>\n</a>');
  const [b, c] = elements(doc.root);
  t.same([doc.root.line, doc.root.column], [1, 1]);
  t.same([b!.line, b!.column], [2, 3]);
  t.same([c!.line, c!.column], [3, 14], 'multi-byte characters count once');
  for (const el of [doc.root, b!, c!]) t.same(doc.position(el.start), { line: el.line, column: el.column }, 'position() agrees');
});

t.test('errors carry the line and column of the fault', async (t) => {
  const e = errorOf(() => parse('<a>\n  <b></c>\n</a>'));
  t.equal(e.code, 'edxml.not_well_formed');
  t.same([e.line, e.column], [2, 6]);
  t.match(e.message, /<\/c>.*<b>.*line 2, column 6/);
});

t.test('CRLF is normalized to LF in decoded text and counted as one line end', async (t) => {
  const doc = parse('<a>x\r\ny\rz<b/></a>\r\n');
  const [text] = texts(doc.root);
  t.equal(text!.verbatim, false);
  t.equal(doc.textOf(text!), 'x\ny\nz');
  const b = elements(doc.root)[0]!;
  t.equal(b.line, 2);
  const plain = parse('<a>plain text</a>');
  t.equal(texts(plain.root)[0]!.verbatim, true, 'text without references or CR is verbatim');
});

t.test('a UTF-8 BOM is accepted and offsets stay offsets into the submitted bytes', async (t) => {
  const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<?xml version="1.0" encoding="UTF-8"?><a>é</a>')]);
  const doc = parse(bytes);
  t.equal(doc.root.localName, 'a');
  t.equal(doc.root.start, 3 + '<?xml version="1.0" encoding="UTF-8"?>'.length);
  t.equal(doc.source, bytes);
  t.equal(doc.textContent(doc.root), 'é');
  t.same([doc.root.line, doc.root.column], [1, 1 + '<?xml version="1.0" encoding="UTF-8"?>'.length], 'the BOM is not counted as a column');
  t.same(doc.position(0), { line: 1, column: 1 }, 'an offset inside the BOM is the first column');
});

t.test('XML declarations with any XML whitespace, quotes and the optional parts', async (t) => {
  for (const decl of ['<?xml version="1.0"?>', "<?xml version='1.0' encoding='utf-8' standalone='yes' ?>", '<?xml\tversion = "1.0"\r\n encoding="UTF-8"?>', '<?xml version="1.0" standalone="no"?>']) {
    t.equal(parse(`${decl}<a/>`).root.localName, 'a', JSON.stringify(decl));
  }
});

t.test('CDATA sections keep markup characters as text', async (t) => {
  const doc = parse('<a>1<![CDATA[<b>&amp;</b>]]>2</a>');
  const nodes = texts(doc.root);
  t.same(nodes.map((n) => n.cdata), [false, true, false]);
  t.equal(doc.textContent(doc.root), '1<b>&amp;</b>2');
  t.equal(elements(doc.root).length, 0);
});

t.test('comments and processing instructions are kept where they are legal', async (t) => {
  const doc = parse('<?xml version="1.0"?>\n<!-- before --><?pi one?>\n<a><!-- in --><?x  data here ?></a><!-- after --><?y?>\n');
  t.same(doc.prolog.map((n) => n.type), ['comment', 'pi']);
  t.same(doc.epilog.map((n) => n.type), ['comment', 'pi']);
  const [c, pi] = doc.root.children;
  t.equal(c!.type, 'comment');
  t.match(pi, { type: 'pi', target: 'x', data: 'data here ' });
  t.equal(doc.source.toString('utf8', c!.start, c!.end), '<!-- in -->');
});

t.test('references in text and attributes; attribute whitespace normalization', async (t) => {
  const doc = parse('<a x="&lt;&#65;&#x42;&amp;&quot;&apos;" y="a\tb\r\nc" z="&#10;">&gt; &#x1F4C4;</a>');
  const attr = (n: string) => doc.root.attributes.find((a) => a.qname === n)!.value;
  t.equal(attr('x'), '<AB&"\'');
  t.equal(attr('y'), 'a b c', 'tab and CRLF become one space each');
  t.equal(attr('z'), '\n', 'a character reference is not normalized');
  t.equal(doc.textContent(doc.root), '> 📄');
  t.equal(texts(doc.root)[0]!.verbatim, false);
});

t.test('namespaces: default, prefixed, undeclared default, unprefixed attributes', async (t) => {
  const doc = parse('<r xmlns="urn:d" xmlns:p="urn:p"><p:a p:x="1" y="2"><b xmlns=""><c/></b></p:a></r>');
  t.equal(doc.root.namespaceURI, 'urn:d');
  t.same(doc.root.namespaceDecls, [
    { prefix: '', uri: 'urn:d' },
    { prefix: 'p', uri: 'urn:p' },
  ]);
  const a = elements(doc.root)[0]!;
  t.match(a, { prefix: 'p', localName: 'a', namespaceURI: 'urn:p' });
  t.match(a.attributes, [
    { qname: 'p:x', localName: 'x', namespaceURI: 'urn:p' },
    { qname: 'y', localName: 'y', namespaceURI: null },
  ]);
  const b = elements(a)[0]!;
  t.equal(b.namespaceURI, null);
  t.equal(elements(b)[0]!.namespaceURI, null);
  t.equal(b.parent, a);
  const xmlAttr = parse('<a xml:lang="vi"/>').root.attributes[0]!;
  t.equal(xmlAttr.namespaceURI, 'http://www.w3.org/XML/1998/namespace');
});

t.test('scopes end with their element', async (t) => {
  const e = errorOf(() => parse('<r><a xmlns:p="urn:p"/><p:b/></r>'));
  t.equal(e.code, 'edxml.undeclared_prefix');
  t.same([e.line, e.column], [1, 24]);
  t.match(e.message, /prefix "p".*<p:b>/);
});

t.test('element offsets', async (t) => {
  const src = '<r><a k="v">text</a><b/></r>';
  const doc = parse(src);
  const [a, b] = elements(doc.root);
  t.equal(src.slice(a!.start, a!.end), '<a k="v">text</a>');
  t.equal(src.slice(a!.contentStart, a!.contentEnd), 'text');
  t.equal(src.slice(b!.start, b!.end), '<b/>');
  t.equal(b!.contentStart, b!.end);
  t.equal(doc.root.end, src.length);
});

const refusals: [string, string | Buffer, string, [number, number]?][] = [
  ['duplicate attribute', '<a x="1" x="2"/>', 'edxml.not_well_formed', [1, 10]],
  ['"<" in an attribute value', '<a x="<"/>', 'edxml.not_well_formed', [1, 7]],
  ['unquoted attribute', '<a x=1/>', 'edxml.not_well_formed'],
  ['attributes without whitespace between them', '<a x="1"y="2"/>', 'edxml.not_well_formed'],
  ['attribute without value', '<a x/>', 'edxml.not_well_formed'],
  ['"]]>" in text', '<a>x]]>y</a>', 'edxml.not_well_formed', [1, 5]],
  ['text after the root', '<a/>\nzz', 'edxml.not_well_formed', [2, 1]],
  ['a second root element', '<a/><b/>', 'edxml.not_well_formed', [1, 5]],
  ['an unclosed element', '<a><b></b>', 'edxml.not_well_formed'],
  ['a stray end tag', '<a></a></b>', 'edxml.not_well_formed'],
  ['mismatched tags', '<a><b></a></b>', 'edxml.not_well_formed', [1, 7]],
  ['an illegal control character', '<a>\u0001</a>', 'edxml.not_well_formed', [1, 4]],
  ['U+FFFF', '<a>\uffff</a>', 'edxml.not_well_formed', [1, 4]],
  ['"--" in a comment', '<a><!-- a -- b --></a>', 'edxml.not_well_formed'],
  ['an unterminated comment', '<a><!-- a </a>', 'edxml.not_well_formed'],
  ['an XML declaration after whitespace', ' <?xml version="1.0"?><a/>', 'edxml.not_well_formed'],
  ['text before the declaration', '1212<?xml version="1.0"?><a/>', 'edxml.not_well_formed', [1, 1]],
  ['a malformed XML declaration', '<?xml encoding="UTF-8"?><a/>', 'edxml.not_well_formed'],
  ['a no-break space in the XML declaration (not XML whitespace)', '<?xml version="1.0"\u00a0encoding="UTF-8"?><a/>', 'edxml.not_well_formed', [1, 1]],
  ['a line separator in the XML declaration', '<?xml version="1.0"\u2028?><a/>', 'edxml.not_well_formed', [1, 1]],
  ['text after a BOM (the BOM is no column)', '\ufeff1212<?xml version="1.0"?><a/>', 'edxml.not_well_formed', [1, 1]],
  ['a bare ampersand', '<a>AT&T</a>', 'edxml.not_well_formed', [1, 6]],
  ['an invalid character reference', '<a>&#0;</a>', 'edxml.not_well_formed'],
  ['an undefined entity', '<a>&nbsp;</a>', 'edxml.undefined_entity', [1, 4]],
  ['an undefined entity in an attribute', '<a x="&ent;"/>', 'edxml.undefined_entity'],
  ['a CDATA section outside the root', '<![CDATA[x]]><a/>', 'edxml.not_well_formed'],
  ['xmlns:p=""', '<a xmlns:p=""/>', 'edxml.namespace_error'],
  ['rebinding xml', '<a xmlns:xml="urn:x"/>', 'edxml.namespace_error'],
  ['binding the xml namespace to another prefix', '<a xmlns:x="http://www.w3.org/XML/1998/namespace"/>', 'edxml.namespace_error'],
  ['declaring xmlns', '<a xmlns:xmlns="urn:x"/>', 'edxml.namespace_error'],
  ['duplicate expanded attribute names', '<a xmlns:p="urn:x" xmlns:q="urn:x" p:k="1" q:k="2"/>', 'edxml.namespace_error'],
  ['a name with two colons', '<a:b:c/>', 'edxml.namespace_error'],
  ['an undeclared element prefix', '<a>\n  <p:b/></a>', 'edxml.undeclared_prefix', [2, 3]],
  ['an undeclared attribute prefix', '<a\n   xlink:href=""/>', 'edxml.undeclared_prefix', [2, 4]],
  ['a DOCTYPE', '<!DOCTYPE a><a/>', 'edxml.dtd_forbidden', [1, 1]],
  ['an ENTITY declaration in the content', '<a><!ENTITY x "y"></a>', 'edxml.dtd_forbidden'],
  ['ISO-8859-1', '<?xml version="1.0" encoding="ISO-8859-1"?><a/>', 'edxml.unsupported_encoding'],
  ['UTF-16', Buffer.from('\ufeff<a/>', 'utf16le'), 'edxml.unsupported_encoding'],
  ['invalid UTF-8', Buffer.concat([Buffer.from('<a>\nok '), Buffer.from([0xc3, 0x28]), Buffer.from('</a>')]), 'edxml.invalid_encoding', [2, 4]],
  ['only whitespace', ' \n ', 'edxml.empty'],
  ['no element', '<!-- nothing -->', 'edxml.not_well_formed'],
  ['a truncated start tag', '<a><b x="1"', 'edxml.not_well_formed'],
];

t.test('refusals', async (t) => {
  for (const [what, input, code, at] of refusals) {
    const e = errorOf(() => parse(input));
    t.equal(e.code, code, `${what}: ${code}`);
    t.equal(e.status, 400);
    if (at) t.same([e.line, e.column], at, `${what}: at line ${at[0]}, column ${at[1]}`);
  }
});

t.test('limits', async (t) => {
  const big = Buffer.from(`<a>${'x'.repeat(200)}</a>`);
  const e = errorOf(() => parseXml(big, { maxBytes: 100, maxDepth: 64 }));
  t.equal(e.code, 'edxml.too_large');
  t.equal(e.status, 413);
  // Size is checked before anything else, even the encoding.
  t.equal(errorOf(() => parseXml(Buffer.alloc(200, 0xff), { maxBytes: 100, maxDepth: 64 })).code, 'edxml.too_large');
  t.equal(errorOf(() => parseXml(Buffer.alloc(0), LIMITS)).code, 'edxml.empty');
  const deep = '<a>'.repeat(5) + '</a>'.repeat(5);
  t.equal(parseXml(Buffer.from(deep), { maxBytes: 1000, maxDepth: 5 }).root.localName, 'a', 'exactly the limit is fine');
  const d = errorOf(() => parseXml(Buffer.from(deep), { maxBytes: 1000, maxDepth: 4 }));
  t.equal(d.code, 'edxml.too_deep');
  t.same([d.line, d.column], [1, 13], 'at the first element too deep');
});
