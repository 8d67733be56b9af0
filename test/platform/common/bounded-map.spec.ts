import { BoundedMap } from '../../../src/platform/common/bounded-map';

describe('BoundedMap', () => {
  it('keeps at most its capacity, dropping the oldest set first', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    map.set('c', 3);
    expect([map.get('a'), map.get('b'), map.get('c')]).toEqual([undefined, 2, 3]);
    expect(map.size).toBe(2);
  });

  it('a key set again is the newest, so re-setting what is read keeps it longest', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    map.set('a', 1);
    map.set('c', 3);
    expect([map.get('a'), map.get('b'), map.get('c')]).toEqual([1, undefined, 3]);
  });
});
