/** Polls `probe` until it returns something truthy; fails after `ms` (each fault case is bounded). */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  ms: number,
  what = 'the condition',
): Promise<NonNullable<T>> {
  for (const until = Date.now() + ms; ;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`${what} did not hold within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
