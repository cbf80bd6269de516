/**
 * An export file whose content contradicts its header (range, counts) fails
 * `verifyAuditExport`: the header is not signed, but a file cut short (its
 * last entries and the checkpoint that signs them removed) or stripped of a
 * checkpoint line must not verify as if it were complete.
 */
import t from 'tap';
import { Readable } from 'node:stream';
import { exportAuditEvents } from '../../src/audit/export-events.js';
import type { AuditFilter, AuditViewer } from '../../src/audit/audit-viewer.js';
import { verifyAuditExport } from '../../src/audit/verify-export.js';
import { AGENCY_A, smallSealedLog } from './fixtures/small-sealed-log.js';

const A = AGENCY_A;
const { db, pki } = await smallSealedLog(t);

const auditor: AuditViewer = { kind: 'auditor', name: 'review' };
async function exportLines(filter: AuditFilter, viewer: AuditViewer = auditor): Promise<string[]> {
  let text = '';
  for await (const c of exportAuditEvents(db, viewer, filter, { format: 'ndjson' })) text += c;
  return text.trimEnd().split('\n');
}
const lines = await exportLines({});
const verify = (ls: string[]) => verifyAuditExport(Readable.from([`${ls.join('\n')}\n`]), { caCertPem: pki.caCertPem });
const isCheckpoint = (l: string) => l.startsWith('{"kind":"checkpoint"');

t.test('baseline: the untouched export verifies', async (t) => {
  const r = await verify(lines);
  t.equal(r.ok, true, JSON.stringify(r.firstFailure));
});

t.test('removing the checkpoint line that signs the end of the export (header untouched) is detected', async (t) => {
  // A filtered export (only message.accepted): its range is extended to the first checkpoint after
  // the last selected entry, so that checkpoint's own audit.checkpoint event lies outside the file.
  const flines = await exportLines({ type: ['message.accepted'] });
  const header = JSON.parse(flines[0]!) as { toSeq: string; checkpoints: number };
  const cpLines = flines.filter(isCheckpoint);
  t.equal(cpLines.length, header.checkpoints);
  const last = cpLines[cpLines.length - 1]!;
  t.equal((JSON.parse(last) as { seq: string }).seq, header.toSeq, 'the last checkpoint signs the end of the export');
  const before = await verify(flines);
  t.equal(before.ok, true, 'the untouched filtered export verifies');
  const r = await verify(flines.filter((l) => l !== last));
  t.equal(
    r.ok,
    false,
    `a removed checkpoint line must fail (header announces ${header.checkpoints} checkpoints; report ${JSON.stringify({ ok: r.ok, checkpoints: r.checkpoints, signedThrough: r.signedThrough, signedBefore: before.signedThrough })})`,
  );
  t.match(r.firstFailure?.reason, /announces \d+ checkpoints/);
});

t.test('a file whose content contradicts its header (toSeq, checkpoints) is detected: tail and last checkpoint cut, only header.entries edited', async (t) => {
  const header = JSON.parse(lines[0]!) as Record<string, unknown> & { toSeq: string; entries: number; checkpoints: number };
  const cpLines = lines.filter(isCheckpoint);
  const last = cpLines[cpLines.length - 1]!;
  const entryLines = lines.filter((l) => !isCheckpoint(l) && l !== lines[0]);
  const kept = entryLines.slice(0, -3);
  // header says toSeq = N but the file now stops 3 entries earlier
  const h = { ...header, entries: kept.length };
  const r = await verify([JSON.stringify(h), ...cpLines.filter((l) => l !== last), ...kept]);
  t.equal(r.ok, false, `toSeq ${header.toSeq} announced, last entry ${r.lastSeq}: ${JSON.stringify(r)}`);
  t.equal(r.firstFailure?.seq, String(BigInt(header.toSeq) - 2n), 'names the first entry cut');
});

t.test('a filtered export whose first entries are cut (header.entries edited) is detected by its fromSeq', async (t) => {
  const flines = await exportLines({ type: ['message.accepted'] });
  const header = JSON.parse(flines[0]!) as Record<string, unknown> & { fromSeq: string; entries: number };
  const cps = flines.filter(isCheckpoint);
  const entries = flines.slice(1 + cps.length);
  const r = await verify([JSON.stringify({ ...header, entries: header.entries - 2 }), ...cps, ...entries.slice(2)]);
  t.equal(r.ok, false);
  t.equal(r.firstFailure?.seq, header.fromSeq);
});

t.test('a header that is not an export header of this version is reported, not trusted', async (t) => {
  const header = JSON.parse(lines[0]!) as Record<string, unknown>;
  for (const h of [
    { ...header, version: 2 },
    { ...header, note: 'added' },
    { ...header, fromSeq: 'one' },
    { ...header, entries: -1 },
    { ...header, filter: { organId: null, colour: 'red' } },
    { ...header, filter: { type: 'message.accepted' } },
  ]) {
    const r = await verify([JSON.stringify(h), ...lines.slice(1)]);
    t.equal(r.ok, false, JSON.stringify(h));
  }
  const dup = lines[0]!.replace('"entries":', '"entries":1,"entries":');
  const r = await verify([dup, ...lines.slice(1)]);
  t.equal(r.ok, false, 'a header with a duplicate member');
  await t.rejects(verify(['{"kind":"something-else"}', ...lines.slice(1)]), { code: 'audit.bad_export' }, 'not an export at all');
});

t.test('an agency export states its agency in the header filter and still verifies', async (t) => {
  const alines = await exportLines({}, { kind: 'agency', organId: A });
  const header = JSON.parse(alines[0]!) as { filter: { organId: string | null } };
  t.equal(header.filter.organId, A, 'the filter the export applied');
  const r = await verify(alines);
  t.equal(r.ok, true, JSON.stringify(r.firstFailure));
});
