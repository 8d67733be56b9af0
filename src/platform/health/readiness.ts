import { GraphQLError } from 'graphql';

/** Answered as `NOT_READY` (API.md): the read models are still catching up, nothing was run. */
export const notReady = (message: string, recorded?: boolean) =>
  new GraphQLError(message, {
    extensions: {
      code: 'NOT_READY',
      ...(recorded === undefined ? {} : { recorded }),
      http: { status: 503, headers: new Map([['retry-after', '5']]) },
    },
  });

/**
 * Readiness, as the probe and `/metrics` both tell it: started, no fault seen, and no read model
 * failed or being rebuilt (their statuses are unknown while the store is down: a fault says so).
 */
export const isReady = (
  started: boolean,
  problems: readonly unknown[],
  projections: readonly { status: string }[],
): boolean =>
  started &&
  problems.length === 0 &&
  !projections.some(({ status }) => status === 'FAILED' || status === 'REBUILDING');

/**
 * Whether the server has finished starting: read models caught up with the store and interrupted
 * follow-ups completed. The HTTP port is open before that; requests wait here (briefly) meanwhile.
 */
export class Readiness {
  private readyAt?: Date;
  private waiters = new Set<() => void>();
  /** Why the last start-up attempt failed, while it is being retried. */
  problem?: string;
  readonly startedAt = new Date();

  get ready(): boolean {
    return this.readyAt !== undefined;
  }

  markReady(now = new Date()): void {
    this.readyAt = now;
    this.problem = undefined;
    this.waiters.forEach((wake) => wake());
    this.waiters.clear();
  }

  /** Resolves once ready; false if `timeoutMs` passed first. */
  whenReady(timeoutMs: number): Promise<boolean> {
    if (this.ready) return Promise.resolve(true);
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        resolve(false);
      }, timeoutMs);
      // A request waiting here must not keep a process that is shutting down alive.
      timer.unref();
      this.waiters.add(wake);
    });
  }
}
