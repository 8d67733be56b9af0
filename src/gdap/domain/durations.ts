import { parse } from 'iso8601-duration';
import { invalidInput } from '../../platform/domain/domain-error';
import { quote } from '../../platform/domain/ids';

const DAY_MS = 86_400_000;

/**
 * `duration` after `start`, on the UTC calendar (a day past the month's end rolls over: P1Y from
 * 29 February is 1 March). The library's own `end` counts in the server's time zone, where a day
 * across a daylight-saving change lasts 23 or 25 hours and instances in other zones would differ.
 */
export function addDuration(start: Date, duration: string): Date {
  const { years = 0, months = 0, weeks = 0, days = 0, ...time } = parse(duration);
  const end = new Date(start.getTime());
  end.setUTCFullYear(
    end.getUTCFullYear() + years,
    end.getUTCMonth() + months,
    end.getUTCDate() + weeks * 7 + days,
  );
  end.setUTCHours(
    end.getUTCHours() + (time.hours ?? 0),
    end.getUTCMinutes() + (time.minutes ?? 0),
    end.getUTCSeconds() + (time.seconds ?? 0),
  );
  return end;
}

export const addDays = (start: Date, days: number): Date =>
  new Date(start.getTime() + days * DAY_MS);

/**
 * An ISO 8601 duration, whole numbers only, each part at most 9 digits: the parser alone takes the
 * first match anywhere in the text ("P1D P1D", "-P1D", "P1DT-1H" would be stored as given).
 */
const ISO_DURATION =
  /^P(?=\d|T\d)(?:\d{1,9}Y)?(?:\d{1,9}M)?(?:\d{1,9}W)?(?:\d{1,9}D)?(?:T(?=\d)(?:\d{1,9}H)?(?:\d{1,9}M)?(?:\d{1,9}S)?)?$/;

/** R60: a relationship lasts 1 day to 2 years (Graph: P1D to P2Y), as an ISO 8601 duration. */
export function checkRelationshipDuration(duration: string, now: Date): string {
  const value = duration.trim().toUpperCase();
  if (!ISO_DURATION.test(value)) {
    throw invalidInput(`${quote(duration)} is not an ISO 8601 duration (e.g. P730D).`, 'R60');
  }
  const endsAt = addDuration(now, value);
  // Past the calendar's end (P999999999Y) it ends at no date at all, and compares as nothing.
  if (!(endsAt >= addDays(now, 1) && endsAt <= addDuration(now, 'P2Y'))) {
    throw invalidInput('A GDAP relationship lasts 1 day (P1D) to 2 years (P2Y).', 'R60');
  }
  return value;
}

/**
 * R60, R62: when a relationship approved at `start` ends. Its duration was checked against two
 * years when it was created; a day count that fit then may not fit from the approval (P731D fits
 * two years across a 29 February, not across none), so the relationship never lasts past P2Y.
 */
export function relationshipEnd(start: Date, duration: string): Date {
  const end = addDuration(start, duration);
  const longest = addDuration(start, 'P2Y');
  return end > longest ? longest : end;
}

/** Graph's values for "no auto-extension" and the one extension it allows. */
export const AUTO_EXTEND_NONE = 'PT0S';
export const AUTO_EXTEND_180_DAYS = 'P180D';

/** R60: auto-extend is none (PT0S, P0D) or 180 days (P180D). */
export function checkAutoExtendDuration(value: string | null | undefined): string {
  const normalised = (value ?? AUTO_EXTEND_NONE).trim().toUpperCase();
  if (normalised === 'PT0S' || normalised === 'P0D') return AUTO_EXTEND_NONE;
  if (normalised === AUTO_EXTEND_180_DAYS) return AUTO_EXTEND_180_DAYS;
  throw invalidInput(`${quote(value)}: auto-extension is none (PT0S) or 180 days (P180D).`, 'R60');
}
