import { faultCauseOf } from '../faults/store-unavailable';
import { backoffMs } from '../common/backoff';

const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5000;

/**
 * How a reader of the event store retries a step that failed (a read the store refused, a batch
 * the read store could not commit): with backoff, for ever in the server, whose fault an operator
 * clears while it runs; a command, with `giveUpAfter` attempts, then says why and stops: at once
 * for a damaged file, which no retry mends.
 */
export class StepRetries {
  private failures = 0;

  constructor(private readonly giveUpAfter?: number) {}

  succeeded(): void {
    this.failures = 0;
  }

  /** After a failed step: the wait before the next try, or undefined when it is time to give up. */
  failed(error: unknown): number | undefined {
    this.failures += 1;
    if (
      this.giveUpAfter !== undefined &&
      (faultCauseOf(error) === 'CORRUPT' || this.failures >= this.giveUpAfter)
    ) {
      return undefined;
    }
    return backoffMs(this.failures, RETRY_FIRST_MS, RETRY_MAX_MS);
  }
}

/** The error a command that gave up fails with: what failed, keeping the cause (its fault). */
export class GaveUpError extends Error {
  constructor(what: string, cause: unknown) {
    super(`${what} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'GaveUpError';
  }
}
