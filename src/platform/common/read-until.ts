import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Reads with `read` until `done` holds for what it read or `withinMs` has passed, waiting
 * `waitMs(attempt)` between reads (attempt 1 after the first): resolves with the last value read.
 */
export async function readUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  withinMs: number,
  waitMs: (attempt: number) => number,
): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (let attempt = 1; ; attempt++) {
    const value = await read();
    if (done(value) || Date.now() >= deadline) return value;
    await sleep(waitMs(attempt));
  }
}
