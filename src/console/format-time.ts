/** Dates as Vietnamese clerks write them: `dd/MM/yyyy HH:mm`, in Asia/Ho_Chi_Minh. */

const FORMAT = new Intl.DateTimeFormat('vi-VN', {
  timeZone: 'Asia/Ho_Chi_Minh',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** `dd/MM/yyyy HH:mm` in Vietnam time; empty for null or an unreadable value. */
export function formatVnTime(at: string | Date | null | undefined): string {
  if (at === null || at === undefined) return '';
  const d = at instanceof Date ? at : new Date(at);
  if (Number.isNaN(d.getTime())) return typeof at === 'string' ? at : '';
  // Assembled from parts: the locale's own joining of date and time differs between ICU versions.
  const parts = FORMAT.formatToParts(d);
  const get = (t: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('day')}/${get('month')}/${get('year')} ${get('hour')}:${get('minute')}`;
}

/**
 * Reads a `yyyy-MM-dd` date (an <input type="date"> value) as the start of that
 * day in Vietnam time; `endOfDay` gives the start of the next day (an exclusive bound).
 */
export function parseVnDate(value: string | undefined, endOfDay = false): Date | undefined {
  const m = value?.match(/^(\d{4})-(\d{2})-(\d{2})$/);
  if (!m) return undefined;
  // Vietnam has no daylight saving time: UTC+7 all year.
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + (endOfDay ? 1 : 0)) - 7 * 3_600_000;
  return Number.isNaN(t) ? undefined : new Date(t);
}

/**
 * Reads a `yyyy-MM-ddTHH:mm` (an <input type="datetime-local"> value) or a
 * `yyyy-MM-dd` date as Vietnam local time.
 */
export function parseVnDateTime(value: string | undefined): Date | undefined {
  const m = value?.match(/^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?$/);
  if (!m) return undefined;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0)) - 7 * 3_600_000;
  return Number.isNaN(t) ? undefined : new Date(t);
}
