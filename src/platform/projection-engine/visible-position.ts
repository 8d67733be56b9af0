export class ReadYourWritesTimeoutError extends Error {
  constructor(
    readonly position: number,
    timeoutMs: number,
  ) {
    super(
      `The read models did not reach position ${position} within ${timeoutMs} ms; the change is saved and will appear shortly.`,
    );
  }
}

interface Waiter {
  position: number;
  resolve: () => void;
}

/** The position every working read model has applied, and who waits for it (read-your-writes). */
export class VisiblePosition {
  private position = 0;
  private waiters: Waiter[] = [];

  get current(): number {
    return this.position;
  }

  /** Moves to `position`; a rebuild moves it back to 0. Resolves every waiter now satisfied. */
  publish(position: number): void {
    this.position = position;
    const ready = this.waiters.filter((waiter) => waiter.position <= position);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((waiter) => waiter.position > position);
    ready.forEach((waiter) => waiter.resolve());
  }

  /** Resolves once `position` is visible; rejects with ReadYourWritesTimeoutError after `timeoutMs`. */
  waitFor(position: number, timeoutMs: number): Promise<void> {
    if (this.position >= position) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        position,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((other) => other !== waiter);
        reject(new ReadYourWritesTimeoutError(position, timeoutMs));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }
}
