import { InvalidArgumentError } from 'commander';
import { countArgument, eachOnce } from '../../src/cli/arguments';

describe('the command line’s count options (--max-problems)', () => {
  it.each(['1', '3', '500', '1000000'])('takes %s', (value) => {
    expect(countArgument(value)).toBe(Number(value));
  });

  it.each(['1e3', '0x10', '2.0', '0', '-1', ' 2', '', '1000001', '99999999999999999999'])(
    'refuses %p, naming what it takes',
    (value) => {
      expect(() => countArgument(value)).toThrow(InvalidArgumentError);
      expect(() => countArgument(value)).toThrow('a whole number in digits, from 1 to 1000000');
    },
  );
});

describe('the command line’s lists of names', () => {
  it('keeps each name once, in the order first given', () => {
    const names = ['customers', 'audit', 'customers'].reduce<string[]>(
      (previous, name) => eachOnce(name, previous),
      [],
    );
    expect(names).toEqual(['customers', 'audit']);
  });
});
