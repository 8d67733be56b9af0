import type { RecordedEvent } from '../event-store/event-store';
import { recordedDomainEventOrThrow } from '../event-store/unreadable-events';
import { faultCauseOf } from '../faults/store-unavailable';
import type { ReadStore, SqlRunner } from '../read-store/read-store';
import type { DeadLetters } from './dead-letters';
import {
  applyTyped,
  batchHandlerOf,
  concerns,
  type BatchHandler,
  type Projection,
  type Recorded,
} from './projection';

/** Tries of an event a handler throws on before it is dead-lettered (a busy file may pass). */
export const MAX_ATTEMPTS = 3;

/** An event as this version reads it, undefined when skipped, or why it cannot be read. */
export type Readable = Recorded | undefined | Error;

export function readableOrError(event: RecordedEvent): Readable {
  try {
    return recordedDomainEventOrThrow(event);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Where a page goes: the live version of a projection, or a version built beside it. */
export interface ApplyTarget {
  projection: Projection;
  /** What the handlers write through (a build's renames its tables). */
  db: SqlRunner;
  /** The position it has applied. */
  position: number;
  /** Whose dead letters its poison events become. */
  deadLetterName: string;
  advance(position: number): void;
  /** The FAIL policy stopped it at a poison event. */
  fail(message: string): void;
}

/** Applies pages of events to projections, setting poison events aside (dead letters). */
export class PageApplier {
  constructor(
    private readonly readStore: ReadStore,
    private readonly deadLetters: DeadLetters,
    private readonly onError?: (error: Error) => void,
  ) {}

  /**
   * Applies the page to one target and moves its checkpoint. When a handler throws, the page
   * is applied again event by event: the poison event is tried MAX_ATTEMPTS times, then
   * dead-lettered, and the projection either skips it or stops before it (its policy).
   */
  applyTo(
    target: ApplyTarget,
    page: readonly RecordedEvent[],
    readable: readonly Readable[],
  ): void {
    const last = page[page.length - 1].position;
    const pending = page.flatMap((event, index) =>
      event.position > target.position ? [{ event, current: readable[index] }] : [],
    );
    try {
      const batch = batchHandlerOf(target.projection);
      this.readStore.db.transaction(() => {
        pending.forEach(({ event, current }) => this.applyEvent(target, event, current, batch));
        batch?.end?.(target.db);
      })();
      target.advance(last);
      return;
    } catch (error) {
      // The environment, not the projection, failed: the whole batch is retried later.
      if (faultCauseOf(error)) throw error;
      // Otherwise rolled back to before the page; the event at fault is found and set aside below.
    }
    let applied = target.position;
    for (const { event, current } of pending) {
      const error = this.tryApply(target, event, current);
      if (error !== undefined) {
        const message = `${event.type} at position ${event.position}: ${error}`;
        this.deadLetters.record(target.deadLetterName, event, error, MAX_ATTEMPTS);
        this.onError?.(new Error(`projection ${target.deadLetterName} dead-lettered ${message}`));
        if ((target.projection.deadLetterPolicy ?? 'CONTINUE') === 'FAIL') {
          target.advance(applied);
          target.fail(message);
          return;
        }
      }
      applied = event.position;
    }
    target.advance(last);
  }

  /** Applies one event in a savepoint, up to MAX_ATTEMPTS times; the last error, if all failed. */
  tryApply(target: ApplyTarget, event: RecordedEvent, current: Readable): string | undefined {
    let error = '';
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      try {
        const batch = batchHandlerOf(target.projection);
        this.readStore.db.transaction(() => {
          this.applyEvent(target, event, current, batch);
          batch?.end?.(target.db);
        })();
        return undefined;
      } catch (thrown) {
        if (faultCauseOf(thrown)) throw thrown;
        error = thrown instanceof Error ? thrown.message : String(thrown);
      }
    }
    return error;
  }

  /** An event this version cannot read is poison for a projection that would have applied it. */
  private applyEvent(
    target: ApplyTarget,
    event: RecordedEvent,
    current: Readable,
    batch: BatchHandler | undefined,
  ): void {
    const { projection, db } = target;
    if (event.malformed && concerns(projection, event)) throw new Error(event.malformed);
    batch?.event(event, db);
    if (current instanceof Error) {
      if (event.type in projection.handlers) throw current;
    } else if (current) applyTyped(projection, current, db);
  }
}
