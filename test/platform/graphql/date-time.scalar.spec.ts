import { parseValue } from 'graphql';
import { isoTextOf } from '../../../src/platform/common/date-time';
import {
  DateTimeScalar,
  InvalidDateTimeError,
} from '../../../src/platform/graphql/date-time.scalar';

describe('the DateTime scalar', () => {
  it('serves a Date as its ISO text, and text as toISOString wrote it as it is', () => {
    const moment = new Date('2025-03-01T09:00:00.000Z');
    expect(DateTimeScalar.serialize(moment)).toBe('2025-03-01T09:00:00.000Z');
    const stored = isoTextOf('2025-03-01T10:00:00+01:00')!;
    expect(stored).toBe(moment.toISOString());
    expect(DateTimeScalar.serialize(stored)).toBe(DateTimeScalar.serialize(moment));
    expect(DateTimeScalar.serialize(null)).toBeNull();
    expect(DateTimeScalar.serialize(1740819600000)).toBeNull();
  });

  it('refuses what cannot be a moment, as a variable or a literal', () => {
    expect(() => DateTimeScalar.parseValue('2025-02-30T09:00:00Z')).toThrow(InvalidDateTimeError);
    expect(DateTimeScalar.parseValue('2025-03-01')).toEqual(new Date('2025-03-01T00:00:00.000Z'));
    expect(() => DateTimeScalar.parseLiteral(parseValue('1'))).toThrow(
      '1 is not a date-time: give it as a string in ISO 8601',
    );
    expect(() => DateTimeScalar.parseLiteral(parseValue('{ at: "2025-03-01" }'))).toThrow(
      '{at: "2025-03-01"} is not a date-time',
    );
    // A variable holding a list of one valid moment: the list is what is wrong, not the moment.
    expect(() => DateTimeScalar.parseValue(['2025-03-01T09:00:00Z'])).toThrow(
      'A list is not a date-time: give it as a string in ISO 8601',
    );
    expect(() => DateTimeScalar.parseValue(1740819600000)).toThrow('A number is not a date-time');
  });

  it('refuses a moment outside the years 0000 to 9999 at UTC, whose ISO text compares as no moment', () => {
    expect(() => DateTimeScalar.parseValue('9999-12-31T23:59:59-23:59')).toThrow(
      InvalidDateTimeError,
    );
    expect(() => DateTimeScalar.parseValue('0000-01-01T00:00:00+00:01')).toThrow(
      InvalidDateTimeError,
    );
    expect(DateTimeScalar.parseValue('9999-12-31T23:59:59.999Z')).toEqual(
      new Date('9999-12-31T23:59:59.999Z'),
    );
    expect(DateTimeScalar.parseValue('0000-01-01T01:00:00+01:00')).toEqual(
      new Date('0000-01-01T00:00:00.000Z'),
    );
  });

  it('isoTextOf: none for none or for text that is no moment', () => {
    expect(isoTextOf(null)).toBeNull();
    expect(isoTextOf('yesterday')).toBeNull();
    expect(isoTextOf('2025-03-01T09:00Z')).toBe('2025-03-01T09:00:00.000Z');
  });
});
