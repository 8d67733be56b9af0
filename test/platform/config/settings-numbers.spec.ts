import { InvalidSettingsError, loadSettings } from '../../../src/platform/config/settings';

describe('a numeric setting', () => {
  it.each(['1e3', '0x10', '0b1', '1_000', 'Infinity', '12abc', '1.2.3'])(
    'written as %p is refused at start, naming the variable, not read as a number nobody wrote',
    (value) => {
      expect(() => loadSettings({ RATE_LIMIT_PER_MINUTE: value })).toThrow(InvalidSettingsError);
      expect(() => loadSettings({ RATE_LIMIT_PER_MINUTE: value })).toThrow(
        /RATE_LIMIT_PER_MINUTE: expected a number in decimal digits/,
      );
    },
  );

  it('in decimal digits is read, surrounding blanks ignored, and still checked against its range', () => {
    expect(loadSettings({ RATE_LIMIT_PER_MINUTE: ' 1000 ' }).RATE_LIMIT_PER_MINUTE).toBe(1000);
    expect(loadSettings({ INVITATION_TTL_DAYS: '0.5' }).INVITATION_TTL_DAYS).toBe(0.5);
    expect(() => loadSettings({ PORT: '65536' })).toThrow(/PORT/);
    expect(() => loadSettings({ PORT: '-1' })).toThrow(/PORT/);
  });
});
