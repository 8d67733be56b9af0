import { hasMoreCharactersThan } from '../../../src/platform/domain/printable-text';

describe('limits in characters', () => {
  it('R50: count code points, as a reader does, not UTF-16 units', () => {
    expect(hasMoreCharactersThan('x'.repeat(50), 50)).toBe(false);
    expect(hasMoreCharactersThan('x'.repeat(51), 50)).toBe(true);
    expect(hasMoreCharactersThan('😀'.repeat(50), 50)).toBe(false);
    expect(hasMoreCharactersThan('😀'.repeat(51), 50)).toBe(true);
    expect(hasMoreCharactersThan(`${'😀'.repeat(49)}xy`, 50)).toBe(true);
    expect(hasMoreCharactersThan('x'.repeat(101), 50)).toBe(true);
  });
});
