import { InvalidArgumentError } from 'commander';
import { parseIsoDateTime } from '../platform/common/date-time';
import { DomainError } from '../platform/domain/domain-error';
import { checkUserId, normaliseTenantId } from '../platform/domain/ids';

/** The CLI applies the same id rules as tokens and GraphQL (ids.ts). */
function checked<T>(check: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return check(value);
    } catch (error) {
      if (error instanceof DomainError) throw new InvalidArgumentError(error.message);
      throw error;
    }
  };
}

/**
 * An option taking one value, refused when given again (`--customer a --customer b` would
 * otherwise take `b` alone, silently). Only for options without a default: commander passes the
 * default as the value before the first.
 */
function once<T>(parse: (value: string) => T): (value: string, previous?: T) => T {
  return (value, previous) => {
    if (previous !== undefined)
      throw new InvalidArgumentError('given more than once: give it once');
    return parse(value);
  };
}

export const tenantIdArgument = once(checked((value) => normaliseTenantId(value)));
export const userIdArgument = once(checked((value) => checkUserId(value)));

export const momentArgument = once((value: string): Date => {
  const date = parseIsoDateTime(value);
  if (!date) {
    throw new InvalidArgumentError(
      'an ISO 8601 date or time, e.g. 2025-03-01 or 2025-03-01T12:00Z',
    );
  }
  return date;
});

/** The most a count option takes (`--max-problems`): more would only mean "all" slowly. */
const MAX_COUNT = 1_000_000;

/** A count written in digits, 1 to MAX_COUNT: `1e3`, `0x10` or `2.0` are refused, not read. */
export function countArgument(value: string): number {
  const count = /^[1-9][0-9]{0,6}$/.test(value) ? Number(value) : NaN;
  if (!(count <= MAX_COUNT))
    throw new InvalidArgumentError(`a whole number in digits, from 1 to ${MAX_COUNT}`);
  return count;
}

/** A variadic argument's values, each once (`rebuild customers customers` rebuilds it once). */
export const eachOnce = (value: string, previous: readonly string[]): string[] =>
  previous.includes(value) ? [...previous] : [...previous, value];
