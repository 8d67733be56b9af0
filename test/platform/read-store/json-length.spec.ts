import { jsonLengthOf } from '../../../src/platform/read-store/read-model-cache';

describe('jsonLengthOf (the size a cached value is weighed by)', () => {
  /** An object whose JSON is `text`, counting how often it is written out. */
  const counted = (text: string) => {
    const value = { writes: 0, toJSON: () => text };
    value.toJSON = () => {
      value.writes++;
      return text;
    };
    return value;
  };

  it('writes a frozen value out once: it cannot change, so its length is remembered', () => {
    const value = counted('abcdef');
    const frozen = Object.freeze({ inner: value });
    expect(jsonLengthOf(frozen)).toBe(JSON.stringify({ inner: 'abcdef' }).length);
    expect(jsonLengthOf(frozen)).toBe(JSON.stringify({ inner: 'abcdef' }).length);
    expect(value.writes).toBe(1);
  });

  it('writes a value that is not frozen out every time, so a change is weighed', () => {
    const value = counted('abc');
    const open = { inner: value };
    expect(jsonLengthOf(open)).toBe(JSON.stringify({ inner: 'abc' }).length);
    expect(jsonLengthOf(open)).toBe(JSON.stringify({ inner: 'abc' }).length);
    expect(value.writes).toBe(2);
    (open as { inner: unknown }).inner = 'a longer text';
    expect(jsonLengthOf(open)).toBe(JSON.stringify({ inner: 'a longer text' }).length);
  });
});
