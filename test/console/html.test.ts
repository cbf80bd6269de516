import t from 'tap';
import { html, escapeHtml, SafeHtml } from '../../src/console/html.js';

t.test('escapes interpolated text, keeps nested templates', async (t) => {
  const hostile = `<script>alert("x")</script>&'`;
  t.equal(html`<p>${hostile}</p>`.value, '<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</p>');
  t.equal(html`<a title="${'" onmouseover="x'}">`.value, '<a title="&quot; onmouseover=&quot;x">', 'attribute values cannot be closed');
  t.equal(html`<ul>${['a<', 'b'].map((x) => html`<li>${x}</li>`)}</ul>`.value, '<ul><li>a&lt;</li><li>b</li></ul>', 'arrays of templates');
  t.equal(html`${null}${undefined}${false}${0}`.value, '0', 'nothing for null, undefined and false; numbers as text');
  t.ok(html`x` instanceof SafeHtml);
  t.equal(escapeHtml('Nghệ An & Hà Nội'), 'Nghệ An &amp; Hà Nội', 'Vietnamese text untouched except markup characters');
});
