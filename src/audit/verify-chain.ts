/**
 * Verifies a stretch of the chain: seq contiguity, every hash recomputed from
 * the records (or given digests), links between entries, and every checkpoint
 * (signature, certificate issued by the CA, hash equal to the entry at its seq).
 * Stops at the first failing entry and names its seq.
 */
import { X509Certificate } from 'node:crypto';
import type { AuditCheckpoint, ChainEntry } from './audit-record.js';
import { chainHash, chainHashOfRecord, GENESIS_HASH } from './chain-hash.js';
import { verifyCheckpoint } from './verify-checkpoint.js';
import { HubError } from '../shared/hub-error.js';

export interface VerifyOptions {
  /** PEM of the hub's CA certificate. */
  caCertPem: string;
  /** The source starts at seq 1 (whole database): the first prevHash must be the genesis value. */
  fromGenesis?: boolean;
  /** The source must hold exactly these seqs (one window of a parallel check): a missing first or last entry fails. */
  range?: { firstSeq: string; lastSeq: string };
  /**
   * Hash of every checkpoint the log holds, to check the log's `audit.checkpoint`
   * events against even when the checkpoint lies before this source's start.
   * Default: the checkpoints given, for references inside the source.
   */
  referenceCheckpoints?: ReadonlyMap<string, string>;
}

export interface VerifyReport {
  ok: boolean;
  entries: number;
  checkpoints: number;
  /** Entries given only as digests (redacted in an export). */
  redacted: number;
  firstSeq?: string;
  lastSeq?: string;
  /** Highest seq covered by a valid checkpoint; entries after it are chained but not yet signed. */
  signedThrough?: string;
  /** prev_hash of the first entry and hash of the last: what joins this stretch to its neighbours. */
  firstPrevHash?: string;
  lastHash?: string;
  firstFailure?: { seq: string; reason: string };
}

/** The CA certificate, or `audit.bad_ca` when the PEM is not one. */
export function loadCa(pem: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (e) {
    throw new HubError('audit.bad_ca', 'the CA certificate is not a valid PEM X.509 certificate', { cause: e });
  }
}

/** A sequence number (decimal digits, no sign, no leading zero), or null. */
export function seqNumber(s: unknown): bigint | null {
  return typeof s === 'string' && /^[1-9]\d{0,18}$/.test(s) ? BigInt(s) : null;
}

/** Checks `source` (in seq order) against `checkpoints`. */
export async function verifyAuditChain(
  source: AsyncIterable<ChainEntry>,
  checkpoints: Iterable<AuditCheckpoint>,
  opts: VerifyOptions,
): Promise<VerifyReport> {
  const ca = loadCa(opts.caCertPem);
  const report: VerifyReport = { ok: true, entries: 0, checkpoints: 0, redacted: 0 };
  const failures: { seq: bigint; reason: string }[] = [];
  const pendingCps = new Map<string, AuditCheckpoint>();
  const givenCps = new Map<string, string>();
  // A checkpoint whose seq is not a number names no entry: it fails the stretch from its start.
  let badCpSeq: string | null = null;
  for (const cp of checkpoints) {
    report.checkpoints += 1;
    const at = seqNumber(cp.seq);
    if (at === null) {
      badCpSeq ??= `checkpoint seq ${JSON.stringify(cp.seq) ?? 'missing'} is not a sequence number`;
      continue;
    }
    givenCps.set(cp.seq, cp.hash);
    const bad = verifyCheckpoint(cp, ca);
    if (bad) failures.push({ seq: at, reason: bad });
    else pendingCps.set(cp.seq, cp);
  }
  const firstBadCp = failures.reduce<bigint | null>((m, f) => (m === null || f.seq < m ? f.seq : m), null);

  const refs = opts.referenceCheckpoints ?? givenCps;
  let expected: bigint | null = opts.fromGenesis ? 1n : opts.range ? BigInt(opts.range.firstSeq) : null;
  let prev: string | null = opts.fromGenesis ? GENESIS_HASH : null;
  for await (const e of source) {
    const seq = seqNumber(e.seq);
    if (seq === null) {
      failures.push({ seq: expected ?? 1n, reason: `malformed seq ${JSON.stringify(e.seq) ?? 'missing'}` });
      break;
    }
    // Entries past a bad checkpoint cannot change the answer.
    if (firstBadCp !== null && seq > firstBadCp) break;
    if (expected !== null && seq !== expected) {
      failures.push({ seq: expected, reason: seq > expected ? `entry missing (next present is ${e.seq})` : `seq out of order (${e.seq})` });
      break;
    }
    report.firstSeq ??= e.seq;
    report.firstPrevHash ??= e.prevHash;
    if (prev !== null && e.prevHash !== prev) {
      failures.push({ seq, reason: 'prev_hash does not match the previous entry' });
      break;
    }
    let hash: string;
    if (e.record) {
      if (e.record.seq !== e.seq) {
        failures.push({ seq, reason: 'record seq differs from entry seq' });
        break;
      }
      if (e.malformed !== undefined) {
        failures.push({ seq, reason: e.malformed });
        break;
      }
      try {
        hash = chainHashOfRecord(e.prevHash, e.record);
      } catch (err) {
        // e.g. a number no JSON number can be (1e400 read as Infinity): not the record that was hashed.
        failures.push({ seq, reason: `the record has no canonical form: ${err instanceof Error ? err.message : String(err)}` });
        break;
      }
    } else if (e.digest !== undefined) {
      hash = chainHash(e.prevHash, e.digest);
      report.redacted += 1;
    } else {
      failures.push({ seq, reason: 'the event of this entry is missing' });
      break;
    }
    if (hash !== e.hash) {
      failures.push({ seq, reason: 'hash does not match the content' });
      break;
    }
    // The log records each checkpoint as an event: a checkpoint row that went missing is caught here.
    if (e.record?.type === 'audit.checkpoint') {
      const ref = e.record.data as { seq?: unknown; hash?: unknown };
      const refSeq = typeof ref.seq === 'string' ? ref.seq : null;
      const known = refSeq !== null && /^\d+$/.test(refSeq) && (opts.referenceCheckpoints !== undefined || (report.firstSeq !== undefined && BigInt(refSeq) >= BigInt(report.firstSeq)));
      if (known && refs.get(refSeq) !== ref.hash) {
        failures.push({ seq, reason: `checkpoint ${refSeq} recorded in the log is missing or differs` });
        break;
      }
    }
    const cp = pendingCps.get(e.seq);
    if (cp) {
      pendingCps.delete(e.seq);
      if (cp.hash !== e.hash) {
        failures.push({ seq, reason: 'checkpoint hash differs from the entry' });
        break;
      }
      report.signedThrough = e.seq;
    }
    report.entries += 1;
    report.lastSeq = e.seq;
    report.lastHash = e.hash;
    prev = e.hash;
    expected = seq + 1n;
  }
  // A window that stops short of its last seq: the entries after lastSeq are gone.
  if (failures.length === 0 && opts.range && report.lastSeq !== opts.range.lastSeq && expected !== null) {
    failures.push({ seq: expected, reason: 'entry missing' });
  }
  // A valid checkpoint whose entry never came means entries were removed.
  if (failures.length === 0) {
    const last = report.lastSeq === undefined ? null : BigInt(report.lastSeq);
    for (const cp of pendingCps.values()) {
      const at = BigInt(cp.seq);
      if (last !== null && at > last) {
        failures.push({ seq: last + 1n, reason: `entries missing: a checkpoint covers seq ${cp.seq}` });
      } else {
        failures.push({ seq: at, reason: 'checkpoint refers to an entry that is missing' });
      }
    }
  }
  if (badCpSeq !== null) {
    failures.push({ seq: seqNumber(report.firstSeq ?? opts.range?.firstSeq ?? '1') ?? 1n, reason: badCpSeq });
  }
  if (failures.length > 0) {
    failures.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
    const f = failures[0]!;
    report.ok = false;
    report.firstFailure = { seq: f.seq.toString(), reason: f.reason };
  }
  return report;
}
