import { faultCauseOf, type UnavailableCause } from './store-unavailable';

export interface Fault {
  cause: UnavailableCause;
  detail: string;
  since: Date;
}

/**
 * A store's last environment fault (disk full, locked, I/O error, damaged file), kept until an
 * operation on it succeeds again: what readiness and `/metrics` report.
 */
export class FaultState {
  private fault?: Fault;

  get current(): Fault | undefined {
    return this.fault;
  }

  /** Notes `error` if the environment caused it; true if it did. */
  noteFailure(error: unknown): boolean {
    const cause = faultCauseOf(error);
    if (!cause) return false;
    const detail = error instanceof Error ? error.message : String(error);
    if (this.fault?.cause !== cause) this.fault = { cause, detail, since: new Date() };
    else this.fault.detail = detail;
    return true;
  }

  clear(): void {
    this.fault = undefined;
  }
}
