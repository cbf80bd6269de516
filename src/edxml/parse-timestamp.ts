/**
 * Reads the timestamp formats real producers write into ISO 8601 UTC.
 * Accepted: `yyyy/MM/dd HH:mm:ss`, `yyyy-MM-dd HH:mm:ss`, ISO 8601 with or
 * without fractional seconds and zone, `dd/MM/yyyy HH:mm:ss` (or with `-`), and the same
 * dates without a time (midnight). A time without a zone is Vietnam time
 * (Asia/Ho_Chi_Minh, UTC+7, no daylight saving).
 */

const VIETNAM_OFFSET_MINUTES = 7 * 60;

// A zone is Z, ±hh:mm, ±hhmm or ±hh (ISO 8601 allows the hour alone; Java's X pattern writes it).
const YEAR_FIRST =
  /^(?<y>\d{4})[-/](?<mo>\d{1,2})[-/](?<d>\d{1,2})(?:[T ](?<h>\d{1,2}):(?<mi>\d{2})(?::(?<s>\d{2})(?:\.(?<frac>\d{1,9}))?)?)?\s*(?<zone>Z|[+-]\d{2}(?::?\d{2})?)?$/;
// Day first, as Vietnamese software shows dates: dd/MM/yyyy or dd-MM-yyyy (one separator throughout).
const DAY_FIRST = /^(?<d>\d{1,2})(?<sep>[/-])(?<mo>\d{1,2})\k<sep>(?<y>\d{4})(?: (?<h>\d{1,2}):(?<mi>\d{2})(?::(?<s>\d{2}))?)?$/;

/** ISO 8601 UTC string (`2018-09-28T10:25:11.000Z`) of a producer timestamp, or null when it cannot be read. */
export function parseTimestamp(text: string): string | null {
  const s = text.trim();
  const g = (YEAR_FIRST.exec(s) ?? DAY_FIRST.exec(s))?.groups;
  if (!g) return null;
  const Y = Number(g.y);
  const M = Number(g.mo);
  const D = Number(g.d);
  const H = Number(g.h ?? 0);
  const Mi = Number(g.mi ?? 0);
  const S = Number(g.s ?? 0);
  // Before 1900 is a producer's clock or format gone wrong, not a date (and Date.UTC reads 0–99 as 1900–1999).
  if (Y < 1900 || M < 1 || M > 12 || D < 1 || H > 23 || Mi > 59 || S > 59) return null;
  const ms = g.frac === undefined ? 0 : Math.floor(Number(`0.${g.frac}`) * 1000);
  const local = Date.UTC(Y, M - 1, D, H, Mi, S, ms);
  // Reject dates that roll over (2014/02/30).
  const check = new Date(local);
  if (check.getUTCDate() !== D || check.getUTCMonth() !== M - 1) return null;
  let offsetMinutes = VIETNAM_OFFSET_MINUTES;
  if (g.zone === 'Z') offsetMinutes = 0;
  else if (g.zone !== undefined) {
    const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(g.zone)!;
    offsetMinutes = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3] ?? 0));
  }
  return new Date(local - offsetMinutes * 60_000).toISOString();
}
