/**
 * Lines of an export file that are not what the exporter writes fail
 * `verifyAuditExport` naming a seq — never verify, never throw: a redacted
 * line where the header's filter selects every entry, a full entry its filter
 * does not select, duplicate JSON members (JSON.parse keeps the last, other
 * readers may show the first), malformed checkpoint lines, a seq that is not
 * a number, a number no double holds.
 */
import t, { type Test } from 'tap';
import { Readable } from 'node:stream';
import { exportAuditEvents } from '../../src/audit/export-events.js';
import type { AuditFilter } from '../../src/audit/audit-viewer.js';
import type { ExportFormat } from '../../src/audit/export-format.js';
import { recordDigest } from '../../src/audit/chain-hash.js';
import type { AuditRecord } from '../../src/audit/audit-record.js';
import { verifyAuditExport } from '../../src/audit/verify-export.js';
import { smallSealedLog } from './fixtures/small-sealed-log.js';

const { db, pki } = await smallSealedLog(t);

async function exportText(filter: AuditFilter, format: ExportFormat = 'ndjson'): Promise<string> {
  let text = '';
  for await (const c of exportAuditEvents(db, { kind: 'auditor', name: 'review' }, filter, { format })) text += c;
  return text;
}
const lines = (await exportText({})).trimEnd().split('\n');
const verify = (ls: string[]) => verifyAuditExport(Readable.from([`${ls.join('\n')}\n`]), { caCertPem: pki.caCertPem });
const entryIndex = (ls: string[], seq: string) => ls.findIndex((l) => l.includes(`"kind":"entry","seq":"${seq}"`));

/** Verifies, failing the test (instead of throwing) when the verifier throws. */
async function report(t: Test, ls: string[]) {
  try {
    return await verify(ls);
  } catch (e) {
    t.fail(`the verifier threw: ${String(e)}`);
    return null;
  }
}

t.test('an auditor export of everything (filter {}) with one entry turned into a digest is detected', async (t) => {
  const i = entryIndex(lines, '5');
  const e = JSON.parse(lines[i]!) as { seq: string; prevHash: string; hash: string; record: AuditRecord };
  const edited = [...lines];
  edited[i] = JSON.stringify({ kind: 'redacted', seq: e.seq, prevHash: e.prevHash, hash: e.hash, digest: recordDigest(e.record) });
  const r = await verify(edited);
  t.equal(r.ok, false, `filter {} selects every entry; a hidden one must not pass: ${JSON.stringify({ ok: r.ok, redacted: r.redacted })}`);
  t.equal(r.firstFailure?.seq, '5');
});

t.test('the same in a CSV export', async (t) => {
  const rows = (await exportText({}, 'csv')).split('\r\n');
  const i = rows.findIndex((r) => r.startsWith('entry,5,'));
  const e = JSON.parse(lines[entryIndex(lines, '5')]!) as { seq: string; prevHash: string; hash: string; record: AuditRecord };
  rows[i] = `redacted,5,${e.prevHash},${e.hash},${recordDigest(e.record)},,,,,,,,,,,,`;
  const r = await verifyAuditExport(Readable.from([rows.join('\r\n')]), { caCertPem: pki.caCertPem });
  t.equal(r.ok, false);
  t.equal(r.firstFailure?.seq, '5');
});

t.test("a filtered export showing in full an entry its filter does not select is detected", async (t) => {
  // Only message.accepted: the audit.checkpoint entries in the range are redacted. Put one back in full
  // (its hashes are right: it is the real entry, taken from the full export).
  const flines = (await exportText({ type: ['message.accepted'] })).trimEnd().split('\n');
  const i = flines.findIndex((l) => l.startsWith('{"kind":"redacted"'));
  t.ok(i > 0, 'the filtered export has a redacted line');
  const seq = (JSON.parse(flines[i]!) as { seq: string }).seq;
  const edited = [...flines];
  edited[i] = lines[entryIndex(lines, seq)]!;
  t.equal((await verify(flines)).ok, true, 'the untouched filtered export verifies');
  const r = await verify(edited);
  t.equal(r.ok, false);
  t.equal(r.firstFailure?.seq, seq);
});

t.test('a checkpoint line without its signature is reported, not thrown', async (t) => {
  const i = lines.findIndex((l) => l.startsWith('{"kind":"checkpoint"'));
  const cp = JSON.parse(lines[i]!) as Record<string, unknown>;
  delete cp.signature;
  const edited = [...lines];
  edited[i] = JSON.stringify(cp);
  const r = await report(t, edited);
  t.equal(r?.ok, false);
  t.equal(r?.firstFailure?.seq, cp.seq);
});

t.test('a checkpoint line without its algorithm is reported, not thrown', async (t) => {
  const i = lines.findIndex((l) => l.startsWith('{"kind":"checkpoint"'));
  const cp = JSON.parse(lines[i]!) as Record<string, unknown>;
  delete cp.algorithm;
  const edited = [...lines];
  edited[i] = JSON.stringify(cp);
  const r = await report(t, edited);
  t.equal(r?.ok, false);
  t.equal(r?.firstFailure?.seq, cp.seq);
});

t.test('a checkpoint line with a non-numeric seq or an extra member is reported, not thrown', async (t) => {
  const i = lines.findIndex((l) => l.startsWith('{"kind":"checkpoint"'));
  const cp = JSON.parse(lines[i]!) as Record<string, unknown>;
  for (const bad of [{ ...cp, seq: '8x' }, { ...cp, seq: 8 }, { ...cp, note: 'not signed' }]) {
    const edited = [...lines];
    edited[i] = JSON.stringify(bad);
    const r = await report(t, edited);
    t.equal(r?.ok, false, JSON.stringify(bad).slice(0, 60));
  }
});

t.test('an entry line with a non-numeric seq is reported, not thrown', async (t) => {
  const i = entryIndex(lines, '5');
  const edited = [...lines];
  edited[i] = edited[i]!.replaceAll('"seq":"5"', '"seq":"5x"');
  const r = await report(t, edited);
  t.equal(r?.ok, false);
  t.equal(r?.firstFailure?.seq, '5');
});

t.test('an entry whose data holds a number JSON cannot represent as finite is reported, not thrown', async (t) => {
  const i = entryIndex(lines, '5');
  const edited = [...lines];
  edited[i] = edited[i]!.replace(/"size":\d+/, '"size":1e400');
  const r = await report(t, edited);
  t.equal(r?.ok, false);
  t.equal(r?.firstFailure?.seq, '5');
});

t.test('an entry line with a duplicated record member (a second, different value) is refused', async (t) => {
  // JSON.parse keeps the last duplicate; readers that keep the first (or show both) see a forged value.
  const i = entryIndex(lines, '5');
  const edited = [...lines];
  edited[i] = edited[i]!.replace('"record":{', '"record":{"type":"message.rejected","actor":"000.00.00.H99",');
  t.not(edited[i], lines[i]);
  const r = await verify(edited);
  t.equal(r.ok, false, `a line carrying text the hash does not cover must fail: ${JSON.stringify({ ok: r.ok, firstFailure: r.firstFailure })}`);
  t.equal(r.firstFailure?.seq, '5');
  // The same inside data, and on the line itself.
  edited[i] = lines[i]!.replace('"data":{', '"data":{"size":1,');
  t.equal((await verify(edited)).firstFailure?.seq, '5', 'in data');
  edited[i] = lines[i]!.replace('{"kind":"entry",', '{"kind":"entry","hash":"00",');
  t.equal((await verify(edited)).firstFailure?.seq, '5', 'on the line');
});

t.test('a CSV entry whose data column is not canonical JSON is refused', async (t) => {
  const rows = (await exportText({}, 'csv')).split('\r\n');
  const i = rows.findIndex((r) => r.startsWith('entry,5,'));
  for (const [from, to] of [
    ['""size"":', '""size"":1,""size"":'],
    ['""size"":', ' ""size"":'],
  ] as const) {
    const edited = [...rows];
    edited[i] = rows[i]!.replace(from, to);
    t.not(edited[i], rows[i]);
    const r = await verifyAuditExport(Readable.from([edited.join('\r\n')]), { caCertPem: pki.caCertPem });
    t.equal(r.firstFailure?.seq, '5', to);
  }
  const edited = [...rows];
  edited[i] = `${rows[i]!.slice(0, -1)}x`;
  const r = await verifyAuditExport(Readable.from([edited.join('\r\n')]), { caCertPem: pki.caCertPem });
  t.equal(r.firstFailure?.seq, '5', 'a column an entry row does not have');
});
