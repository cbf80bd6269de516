/**
 * The console's one stylesheet, served at /console/static/console.css. Kept as
 * a TypeScript string so `tsc` carries it into dist/ with no build step.
 * Colours meet WCAG AA contrast; focus is always visible.
 */
export const CONSOLE_CSS = `
:root { --ink: #1a1a1a; --muted: #4a4a4a; --line: #c8c8c8; --bg: #ffffff; --band: #0b4f8a; --band-ink: #ffffff;
  --ok: #1b5e20; --ok-bg: #e5f3e6; --warn: #7a4a00; --warn-bg: #fff3d6; --bad: #a0001c; --bad-bg: #fde7ea; --info: #0b4f8a; --info-bg: #e6f0fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; color: var(--ink); background: var(--bg); }
a { color: #0a4a85; }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible, summary:focus-visible {
  outline: 3px solid #f5a300; outline-offset: 2px; }
.skip { position: absolute; left: -10000px; top: 0; background: #fff; padding: .5rem; }
.skip:focus { left: .5rem; z-index: 10; }
header.top { background: var(--band); color: var(--band-ink); padding: .5rem 1rem; display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; }
header.top a, header.top button { color: var(--band-ink); }
header.top .brand { font-weight: 700; margin-right: auto; }
nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 1rem; margin: 0; padding: 0; }
nav a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
.who { font-size: .9rem; }
.linkish { background: none; border: 0; padding: 0; font: inherit; text-decoration: underline; cursor: pointer; }
main { padding: 1rem; max-width: 1200px; margin: 0 auto; }
h1 { font-size: 1.5rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
form.search { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: .5rem 1rem; align-items: end;
  border: 1px solid var(--line); padding: .75rem; border-radius: 4px; margin-bottom: 1rem; }
label { display: block; font-weight: 600; font-size: .9rem; }
input, select, textarea { font: inherit; padding: .35rem .5rem; border: 1px solid #6b6b6b; border-radius: 3px; width: 100%; color: var(--ink); background: #fff; }
button, .button { font: inherit; padding: .4rem .9rem; border-radius: 3px; border: 1px solid var(--band); background: var(--band); color: #fff; cursor: pointer; text-decoration: none; display: inline-block; white-space: nowrap; }
button.secondary, .button.secondary { background: #fff; color: var(--band); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .4rem .5rem; border-bottom: 1px solid var(--line); }
th { background: #f2f4f7; font-size: .9rem; }
tr.overdue { background: var(--bad-bg); }
.badge { display: inline-block; padding: 0 .4rem; border-radius: 3px; font-size: .85rem; border: 1px solid currentColor; margin: 0 .25rem .2rem 0; white-space: nowrap; }
.badge.ok { color: var(--ok); background: var(--ok-bg); }
.badge.warn { color: var(--warn); background: var(--warn-bg); }
.badge.bad { color: var(--bad); background: var(--bad-bg); }
.badge.info { color: var(--info); background: var(--info-bg); }
.muted { color: var(--muted); font-size: .9rem; }
.notice { padding: .5rem .75rem; border-left: 4px solid var(--ok); background: var(--ok-bg); margin-bottom: 1rem; }
.error { padding: .5rem .75rem; border-left: 4px solid var(--bad); background: var(--bad-bg); margin-bottom: 1rem; }
dl.fields { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dl.fields dt { font-weight: 600; }
dl.fields dd { margin: 0; overflow-wrap: anywhere; }
ul.recipients { list-style: none; margin: 0; padding: 0; }
ol.timeline { margin: .25rem 0 1rem; padding-left: 1.25rem; }
section.recipient { border: 1px solid var(--line); border-radius: 4px; padding: .5rem .75rem; margin-bottom: .75rem; }
.pager { display: flex; gap: 1rem; margin-top: 1rem; }
.login { max-width: 360px; margin: 3rem auto; }
.login form > div { margin-bottom: .75rem; }
details[open] pre { min-width: 26rem; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f6f6; padding: .5rem; }
.inline-form { display: inline; }
.actions form { margin-bottom: .5rem; }
`;
