/** What `audit verify` can find wrong, each kind with a stable name for `--json` readers. */
export type ProblemKind =
  /** Seals */
  | 'no-key'
  | 'seal-malformed'
  | 'seal-forged'
  | 'seal-other-key'
  | 'seal-missing'
  | 'seal-unlinked'
  | 'range-gap'
  | 'range-overlap'
  | 'anchor-missing'
  /** Sealed events */
  | 'event-changed'
  | 'event-inserted'
  | 'event-removed'
  | 'range-changed'
  /** Unsealed events, where positions are dense */
  | 'position-gap'
  /** The audit read model against the events */
  | 'event-unreadable'
  | 'entry-altered'
  | 'entry-missing'
  | 'entry-extra';

export interface Problem {
  kind: ProblemKind;
  message: string;
  /** Where it is, when one position says it. */
  position?: number;
  /** The seal concerned (its sequence number). */
  seal?: number;
}

/** Collects problems up to a limit; past it, `truncated` tells the walkers to stop. */
export class Problems {
  readonly found: Problem[] = [];
  truncated = false;

  constructor(readonly limit: number) {}

  add(problem: Problem): void {
    if (this.found.length >= this.limit) this.truncated = true;
    else this.found.push(problem);
  }
}
