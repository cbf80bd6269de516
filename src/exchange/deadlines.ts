/**
 * Decision 28 deadlines as a documented setting (config.deadlines):
 * - receipt: the recipient registers receipt (status 03, or refuses with 02) the
 *   same working day it arrived for normal priority; within N working hours for
 *   urgent priorities (rules per priority);
 * - handling: handling starts (04/05/06) by the end of the next working day;
 * - DueDate: completion (06) by the end of the document's DueDate, when given.
 * Working time is counted in config.deadlines.timeZone (Asia/Ho_Chi_Minh).
 */
import type { HubConfig } from '../config/config.js';

type DeadlineConfig = HubConfig['deadlines'];

interface LocalTime {
  /** Local midnight of the day, as if the local wall clock were UTC (ms). */
  dayStartMs: number;
  /** ISO weekday 1..7 */
  weekday: number;
  /** Minutes since local midnight. */
  minute: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

function offsetMs(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}

function toLocal(at: Date, tz: string): LocalTime {
  const wall = at.getTime() + offsetMs(at, tz);
  const dayStartMs = Math.floor(wall / DAY) * DAY;
  const weekday = ((new Date(dayStartMs).getUTCDay() + 6) % 7) + 1;
  return { dayStartMs, weekday, minute: Math.floor((wall - dayStartMs) / MINUTE) };
}

function fromLocal(dayStartMs: number, minute: number, tz: string): Date {
  const guess = new Date(dayStartMs + minute * MINUTE);
  return new Date(guess.getTime() - offsetMs(guess, tz));
}

function hhmm(s: string): number {
  const [h, m] = s.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

function isWorkingDay(dayStartMs: number, cfg: DeadlineConfig): boolean {
  const weekday = ((new Date(dayStartMs).getUTCDay() + 6) % 7) + 1;
  return cfg.workingDays.includes(weekday);
}

/** Start of the next working day at or after `dayStartMs` (+ skip days). */
function workingDayAtOrAfter(dayStartMs: number, cfg: DeadlineConfig): number {
  let d = dayStartMs;
  for (let i = 0; i < 14 && !isWorkingDay(d, cfg); i++) d += DAY;
  return d;
}

/** The working day an arrival counts for: after hours or on a holiday it counts for the next working day. */
function arrivalWorkingDay(at: Date, cfg: DeadlineConfig): { day: number; minute: number } {
  const l = toLocal(at, cfg.timeZone);
  const start = hhmm(cfg.workdayStart);
  const end = hhmm(cfg.workdayEnd);
  if (isWorkingDay(l.dayStartMs, cfg) && l.minute < end) return { day: l.dayStartMs, minute: Math.max(l.minute, start) };
  return { day: workingDayAtOrAfter(l.dayStartMs + DAY, cfg), minute: start };
}

/** End of the working day `extraDays` working days after the arrival's working day. */
export function endOfWorkingDay(arrival: Date, extraDays: number, cfg: DeadlineConfig): Date {
  let { day } = arrivalWorkingDay(arrival, cfg);
  for (let i = 0; i < extraDays; i++) day = workingDayAtOrAfter(day + DAY, cfg);
  return fromLocal(day, hhmm(cfg.workdayEnd), cfg.timeZone);
}

/** Adds working hours to an arrival, counting only working time. */
export function addWorkingHours(arrival: Date, hours: number, cfg: DeadlineConfig): Date {
  const start = hhmm(cfg.workdayStart);
  const end = hhmm(cfg.workdayEnd);
  let { day, minute } = arrivalWorkingDay(arrival, cfg);
  let left = hours * 60;
  while (left > end - minute) {
    left -= end - minute;
    day = workingDayAtOrAfter(day + DAY, cfg);
    minute = start;
  }
  return fromLocal(day, minute + left, cfg.timeZone);
}

export function receiptDeadline(arrival: Date, priority: number | null, cfg: DeadlineConfig): Date {
  const rule = cfg.rules.find((r) => r.priorities.includes(priority ?? 0)) ?? cfg.rules[0];
  if (!rule || rule.receiptHours === 0) return endOfWorkingDay(arrival, 0, cfg);
  return addWorkingHours(arrival, rule.receiptHours, cfg);
}

export function handlingDeadline(arrival: Date, cfg: DeadlineConfig): Date {
  return endOfWorkingDay(arrival, 1, cfg);
}

/** End of a `yyyy/MM/dd` (or yyyy-MM-dd) DueDate in the hub's time zone; null when unreadable. */
export function dueDateEnd(dueDate: string | undefined | null, cfg: DeadlineConfig): Date | null {
  const m = dueDate?.trim().match(/^(\d{4})[/-](\d{1,2})[/-](\d{1,2})/);
  if (!m) return null;
  const day = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(day) ? null : fromLocal(day, 24 * 60 - 1, cfg.timeZone);
}

export interface DeadlineView {
  receiptDueAt: string;
  receiptOverdue: boolean;
  handlingDueAt: string;
  handlingOverdue: boolean;
  dueDate: string | null;
  dueDateOverdue: boolean;
  overdue: boolean;
}

const RECEIPT_CODES = new Set(['02', '03', '04', '05', '06']);
const HANDLING_CODES = new Set(['02', '04', '05', '06']);

/** Deadline state of one recipient's copy, from its arrival time and the statuses it reported (with times). */
export function deadlineView(
  arrival: Date,
  priority: number | null,
  dueDate: string | null,
  statuses: { code: string; at: Date }[],
  now: Date,
  cfg: DeadlineConfig,
): DeadlineView {
  const receiptDue = receiptDeadline(arrival, priority, cfg);
  const handlingDue = handlingDeadline(arrival, cfg);
  const due = dueDateEnd(dueDate, cfg);
  const firstAt = (codes: Set<string>): Date | null => statuses.find((s) => codes.has(s.code))?.at ?? null;
  const late = (doneAt: Date | null, deadline: Date): boolean => (doneAt ? doneAt > deadline : now > deadline);
  const receiptOverdue = late(firstAt(RECEIPT_CODES), receiptDue);
  const handlingOverdue = late(firstAt(HANDLING_CODES), handlingDue);
  const refused = statuses.some((s) => s.code === '02');
  const dueDateOverdue = due !== null && !refused && late(firstAt(new Set(['06'])), due);
  return {
    receiptDueAt: receiptDue.toISOString(),
    receiptOverdue,
    handlingDueAt: handlingDue.toISOString(),
    handlingOverdue,
    dueDate: due ? due.toISOString() : null,
    dueDateOverdue,
    overdue: receiptOverdue || handlingOverdue || dueDateOverdue,
  };
}
