/**
 * The wait before retry number `attempt` (1 for the first retry): `firstMs`, doubled each time,
 * at most `maxMs`.
 */
export const backoffMs = (attempt: number, firstMs: number, maxMs: number): number =>
  Math.min(maxMs, firstMs * 2 ** (attempt - 1));
