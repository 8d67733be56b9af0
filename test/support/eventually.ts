/** Polls `check` until it holds (or the test's timeout ends it): for what is recorded later. */
export async function eventually(check: () => Promise<boolean> | boolean): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 50));
}
