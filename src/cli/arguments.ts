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

export const tenantIdArgument = checked((value) => normaliseTenantId(value));
export const userIdArgument = checked((value) => checkUserId(value));

export function momentArgument(value: string): Date {
  const date = parseIsoDateTime(value);
  if (!date) {
    throw new InvalidArgumentError(
      'an ISO 8601 date or time, e.g. 2025-03-01 or 2025-03-01T12:00Z',
    );
  }
  return date;
}
