/** Turns a database row into the record that is hashed. */
import type { AuditRecord } from './audit-record.js';
import type { RecordRow, StoredRecordRow } from './sql-fragments.js';

/** The record of chain position `seq` from a row selected with RECORD_COLUMNS. */
export function recordFromRow(seq: string, r: RecordRow): AuditRecord {
  return {
    seq,
    eventId: r.event_id,
    at: r.at,
    type: r.type,
    actor: r.actor,
    organs: r.organs,
    messageId: r.message_id,
    deliveryId: r.delivery_id,
    documentId: r.document_id,
    data: r.data,
  };
}

/**
 * The record of chain position `seq` from a row selected with
 * STORED_RECORD_COLUMNS, and what the stored event holds that the record
 * cannot show (null when nothing): such an edit of the database would hash
 * the same as the original, so the verifier must refuse it.
 */
export function recordFromStoredRow(seq: string, r: StoredRecordRow): { record: AuditRecord; malformed: string | null } {
  const t = r.at_us;
  // `….mmmuuuZ`: writers store whole milliseconds (date_trunc), so uuu is 000.
  const n = t.length;
  const subMs = t.charCodeAt(n - 4) !== 48 || t.charCodeAt(n - 3) !== 48 || t.charCodeAt(n - 2) !== 48;
  const record = recordFromRow(seq, { ...r, at: `${t.slice(0, n - 4)}Z`, data: JSON.parse(r.data_text) as Record<string, unknown> });
  if (subMs) return { record, malformed: `the event time ${t} is not a whole millisecond (the record shows ${record.at})` };
  const inexact = inexactNumber(r.data_text);
  if (inexact !== null) return { record, malformed: `the event data holds the number ${inexact.length > 40 ? `${inexact.slice(0, 40)}…` : inexact}, which its record cannot show exactly` };
  return { record, malformed: null };
}

/**
 * The first number of `text` (jsonb's output) that is not exactly what the
 * double it parses to gives back, or null. A writer's number is
 * JSON.stringify's shortest form, which PostgreSQL keeps digit for digit and
 * prints in plain notation; anything else (48217.0000000000000000001, 1.50,
 * 1e400) was not written by the hub, and JSON.parse would hide it.
 *
 * One pass, no regular expression (this runs for every entry verified):
 * strings are skipped with indexOf, and only a number of more than 15
 * characters or a fraction ending in 0 is looked at closely — a shorter one
 * has at most 15 significant digits, which a double always holds exactly.
 */
export function inexactNumber(text: string): string | null {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const quote = text.indexOf('"', i);
    const end = quote < 0 ? n : quote;
    // Between strings: punctuation, true/false/null and numbers.
    for (let k = i; k < end; k++) {
      const c = text.charCodeAt(k);
      if (c !== 45 && (c < 48 || c > 57)) continue;
      let e = k + 1;
      let dot = false;
      for (; e < end; e++) {
        const d = text.charCodeAt(e);
        if (d === 46) dot = true;
        else if (d < 48 || d > 57) break;
      }
      if (e - k > 15 || (dot && text.charCodeAt(e - 1) === 48)) {
        const tok = text.slice(k, e);
        const v = Number(tok);
        if (!Number.isFinite(v) || plainDecimal(v) !== tok) return tok;
      }
      k = e;
    }
    if (quote < 0) break;
    // Skip the string: its closing quote is the first one not escaped by an odd run of backslashes.
    let j = quote;
    for (;;) {
      j = text.indexOf('"', j + 1);
      if (j < 0) return null;
      let b = j - 1;
      while (text.charCodeAt(b) === 92) b -= 1;
      if ((j - 1 - b) % 2 === 0) break;
    }
    i = j + 1;
  }
  return null;
}

/** The shortest round-trip decimal of `v` (as JSON.stringify writes it) in plain notation, as PostgreSQL prints a numeric. */
export function plainDecimal(v: number): string {
  const s = String(v);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const neg = s.startsWith('-');
  const mantissa = s.slice(neg ? 1 : 0, e);
  const exp = Number(s.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  const point = (dot < 0 ? mantissa.length : dot) + exp;
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return neg ? `-${out}` : out;
}
