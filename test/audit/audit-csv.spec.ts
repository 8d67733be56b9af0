import { csvField } from '../../src/platform/common/csv';

describe('audit export CSV cells', () => {
  it('R42: quotes commas, quotes and line breaks as RFC 4180 says', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a, "b"')).toBe('"a, ""b"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(42)).toBe('42');
  });

  it.each(['=HYPERLINK("x")', '+1', '-2+3', '@SUM(A1)', '\tcmd'])(
    'R42: keeps "%s" as text, never a spreadsheet formula',
    (value) => {
      expect(
        csvField(value)
          .replace(/^"/, '')
          .startsWith(`'${value.charAt(0)}`),
      ).toBe(true);
    },
  );

  it('R42: leaves negative numbers alone', () => {
    expect(csvField(-5)).toBe('-5');
  });
});
