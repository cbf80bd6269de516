import t from 'tap';
import { DOMParser } from '@xmldom/xmldom';
import { C14nCanonicalization, ExclusiveCanonicalization } from 'xml-crypto';
import { parseXml } from '../../src/edxml/xml/parse-xml.js';
import { DEFAULT_PARSE_LIMITS } from '../../src/edxml/types.js';
import type { XmlElement } from '../../src/edxml/xml/tree.js';
import { canonicalize } from '../../src/pki/xmldsig/canonicalize.js';
import { randomXml } from './helpers/random-xml.js';

const parse = (xml: string) => parseXml(Buffer.from(xml, 'utf8'), DEFAULT_PARSE_LIMITS);

function oracle(xml: string, exclusive: boolean, prefixList: string[] = []): string {
  const dom = new DOMParser().parseFromString(xml, 'text/xml');
  const c = exclusive ? new ExclusiveCanonicalization() : new C14nCanonicalization();
  return c.process(dom.documentElement as unknown as Parameters<typeof c.process>[0], { inclusiveNamespacesPrefixList: prefixList });
}

t.test('hand-written cases', async (t) => {
  const doc = parse('<r xmlns="urn:d" xmlns:b="urn:b" xmlns:a="urn:a" z="1" b:y="2" a:x="3"><a:c xmlns:a="urn:a">t&amp;&gt;&#13;</a:c><e xmlns=""/></r>');
  t.equal(
    canonicalize(doc, doc.root, { kind: 'inclusive' }).toString(),
    '<r xmlns="urn:d" xmlns:a="urn:a" xmlns:b="urn:b" z="1" a:x="3" b:y="2"><a:c>t&amp;&gt;&#xD;</a:c><e xmlns=""></e></r>',
  );
  t.equal(
    canonicalize(doc, doc.root, { kind: 'exclusive' }).toString(),
    '<r xmlns="urn:d" xmlns:a="urn:a" xmlns:b="urn:b" z="1" a:x="3" b:y="2"><a:c>t&amp;&gt;&#xD;</a:c><e xmlns=""></e></r>',
  );
  const inner = doc.root.children[0] as XmlElement;
  t.equal(canonicalize(doc, inner, { kind: 'exclusive' }).toString(), '<a:c xmlns:a="urn:a">t&amp;&gt;&#xD;</a:c>');
  t.equal(canonicalize(doc, inner, { kind: 'inclusive' }).toString(), '<a:c xmlns="urn:d" xmlns:a="urn:a" xmlns:b="urn:b">t&amp;&gt;&#xD;</a:c>');
  t.equal(canonicalize(doc, inner, { kind: 'exclusive', inclusivePrefixes: ['b', '#default'] }).toString(), '<a:c xmlns="urn:d" xmlns:a="urn:a" xmlns:b="urn:b">t&amp;&gt;&#xD;</a:c>');
  const withPis = parse('<?xml version="1.0"?>\n<?p d?><!--c--><r a="&#9;&#10;&quot;&lt;"><![CDATA[<&>]]></r><?q?>');
  t.equal(canonicalize(withPis, 'document', { kind: 'inclusive' }).toString(), '<?p d?>\n<r a="&#x9;&#xA;&quot;&lt;">&lt;&amp;&gt;</r>\n<?q?>');
  t.equal(canonicalize(withPis, 'document', { kind: 'inclusive', withComments: true }).toString(), '<?p d?>\n<!--c-->\n<r a="&#x9;&#xA;&quot;&lt;">&lt;&amp;&gt;</r>\n<?q?>');
  const excl = parse('<r><s/><x>1</x></r>');
  t.equal(canonicalize(excl, excl.root, { kind: 'inclusive', exclude: excl.root.children[0] as XmlElement }).toString(), '<r><x>1</x></r>');
});

t.test('inclusive and exclusive C14N match xml-crypto on generated documents', async (t) => {
  let compared = 0;
  for (let seed = 1; seed <= 400; seed++) {
    const xml = randomXml(seed);
    const doc = parse(xml);
    for (const exclusive of [false, true]) {
      // xml-crypto's exclusive C14N repeats xmlns="" below an element that already rendered it
      // (Exc-C14N §3 says the nearest output ancestor's rendering counts); not comparable.
      if (exclusive && xml.includes('xmlns=""')) continue;
      const mine = canonicalize(doc, doc.root, { kind: exclusive ? 'exclusive' : 'inclusive' }).toString('utf8');
      const theirs = oracle(xml, exclusive);
      if (mine !== theirs) {
        t.equal(mine, theirs, `seed ${seed} ${exclusive ? 'exclusive' : 'inclusive'}\n${xml}`);
        return;
      }
      compared++;
    }
  }
  t.ok(compared > 650, `${compared} canonical forms identical (400 inclusive + exclusive ones without xmlns="")`);
});

t.test('a big verbatim text passes through unchanged', async (t) => {
  const big = 'QUJD'.repeat(100_000);
  const doc = parse(`<r xmlns="urn:x"><a>${big}</a><b>x &gt; y</b></r>`);
  const out = canonicalize(doc, doc.root, { kind: 'exclusive' }).toString();
  t.equal(out, `<r xmlns="urn:x"><a>${big}</a><b>x &gt; y</b></r>`);
});
