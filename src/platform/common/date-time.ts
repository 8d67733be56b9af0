// 2026-02-28, 2026-02-28T09:30Z, 2026-02-28T09:30:00.123+01:00
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|([+-])(\d{2}):(\d{2})))?$/;

/** Moments given with digits past the millisecond, which a Date cannot hold (14.5789 is 14.578). */
const givenFinerThanMillisecond = new WeakSet<Date>();

/**
 * The first millisecond at or after the moment `date` was parsed from. A Date floors a moment given
 * finer than that, which an `asOf` or an inclusive end reads rightly; a lower bound (`from`) or an
 * exclusive end (`to`) would then take in what was recorded before it.
 */
const ceilToMillisecond = (date: Date): Date =>
  givenFinerThanMillisecond.has(date) ? new Date(date.getTime() + 1) : date;

/**
 * A range from `from` (inclusive) to `to` (exclusive) as a caller gave it, each end taken to the
 * millisecond (what is recorded is timed to it); null when no millisecond lies between them.
 */
export function millisecondRange<Range extends { from?: Date | null; to?: Date | null }>(
  range: Range,
): Range | null {
  const from = range.from && ceilToMillisecond(range.from);
  const to = range.to && ceilToMillisecond(range.to);
  return from && to && from >= to ? null : { ...range, from, to };
}

/**
 * An ISO 8601 date-time (or a date: its midnight UTC) whose every part exists, in the years 0000
 * to 9999 at UTC, as a Date; null for anything else: 30 February, hour 25, `yesterday`, 9999-12-31
 * at -01:00. `new Date()` rolls or guesses such input.
 */
export function parseIsoDateTime(value: unknown): Date | null {
  const match = typeof value === 'string' ? ISO_8601.exec(value) : null;
  if (!match) return null;
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = ''] = match;
  const [sign, offsetHours = '0', offsetMinutes = '0'] = match.slice(9);
  const [y, mo, d, h, mi, s, oh, om] = [
    year,
    month,
    day,
    hour,
    minute,
    second,
    offsetHours,
    offsetMinutes,
  ].map(Number);
  const daysInMonth = new Date(Date.UTC(2000 + (y % 400), mo, 0)).getUTCDate();
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth) return null;
  if (h > 23 || mi > 59 || s > 59 || oh > 23 || om > 59) return null;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, keeps the years 0–99 as they are.
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, Math.floor(Number(`0${fraction || '.0'}`) * 1000));
  const offsetMs = (sign === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  const moment = new Date(date.getTime() - offsetMs);
  // An offset can carry 9999-12-31 into the year 10000 (or 0000 back into -1) at UTC, whose ISO
  // text (+010000-…) the read models' text comparisons would take for a moment before all others.
  const utcYear = moment.getUTCFullYear();
  if (utcYear < 0 || utcYear > 9999) return null;
  if (/[1-9]/.test(fraction.slice(4))) givenFinerThanMillisecond.add(moment);
  return moment;
}

/**
 * A moment as GraphQL's `DateTime` serves it: a Date, or exactly the text `Date.toISOString`
 * writes for it, served as it is (a read model that stores moments so builds no Date per read).
 */
export type DateTimeValue = Date | string;

/** The text `Date.toISOString` writes for stored ISO text; null for none (or no moment). */
export function isoTextOf(value: string | null): string | null {
  if (value === null) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** Whether `value` is a moment exactly as it is stored (`Date.toISOString`'s text), as in a cursor. */
export const isStoredMoment = (value: string): boolean => isoTextOf(value) === value;
