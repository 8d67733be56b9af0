import { GraphQLError, GraphQLScalarType, Kind, print } from 'graphql';
import { type DateTimeValue, parseIsoDateTime } from '../common/date-time';
import { quote } from '../domain/ids';

/** An impossible or malformed date: INVALID_INPUT, whether it came as a variable or a literal. */
export class InvalidDateTimeError extends GraphQLError {
  constructor(value: unknown) {
    super(
      `${quote(value)} is not a date-time: use ISO 8601 such as 2026-02-28T09:30:00Z (or a date, 2026-02-28, meaning its midnight UTC).`,
      { extensions: { code: 'INVALID_INPUT' } },
    );
  }
}

/** A date-time is given as text: anything else (a list, a number) is refused for what it is. */
class NotTextError extends GraphQLError {
  constructor(what: string) {
    super(
      `${what} is not a date-time: give it as a string in ISO 8601, such as "2026-02-28T09:30:00Z".`,
      { extensions: { code: 'INVALID_INPUT' } },
    );
  }
}

const kindOf = (value: unknown) =>
  Array.isArray(value) ? 'A list' : typeof value === 'object' ? 'An object' : `A ${typeof value}`;

function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string') throw new NotTextError(kindOf(value));
  const date = parseIsoDateTime(value);
  if (!date) throw new InvalidDateTimeError(value);
  return date;
}

/**
 * The `DateTime` scalar, as before, but strict: what cannot be a moment is refused. It serves a
 * Date as its ISO text, and text a resolver gives (DateTimeValue: as toISOString wrote it) as it is.
 */
export const DateTimeScalar = new GraphQLScalarType<DateTimeValue | null, string | null>({
  name: 'DateTime',
  description:
    'A date-time string at UTC, such as 2019-12-03T09:54:33Z, compliant with the date-time format.',
  parseValue: parseDateTime,
  serialize: (value) =>
    typeof value === 'string' ? value : value instanceof Date ? value.toISOString() : null,
  parseLiteral: (ast) => {
    if (ast.kind === Kind.STRING) return parseDateTime(ast.value);
    throw new NotTextError(print(ast).slice(0, 40));
  },
});
