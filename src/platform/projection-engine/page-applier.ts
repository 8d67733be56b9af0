import type { RecordedEvent, StoredText } from '../event-store/event-store';
import { forgetContent, readContent, readMetadata } from '../event-store/stored-content';
import { recordedDomainEventOrThrow } from '../event-store/unreadable-events';
import { faultCauseOf } from '../faults/store-unavailable';
import type { ReadStore, SqlRunner } from '../read-store/read-store';
import type { DeadLetters } from './dead-letters';
import {
  applyTyped,
  batchHandlerOf,
  concerns,
  readsDataOf,
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

/**
 * A page's events as this version reads them, each upcast (and checked) the first time a
 * projection with a handler for its type asks, then shared by the others: an event no projection
 * handles is never upcast.
 *
 * Given the projections that will apply it (its readers), a page read with `deferContent` lets go
 * of what was parsed for an event once the last reader it concerns has applied it: a page of 5,000
 * parsed events held while a projection applies them outlives the young generation's collections
 * and costs a full one, where events parsed and dropped one by one die young. An event asked for
 * again (a batch rolled back and applied event by event) is parsed again, and then kept.
 */
export class ReadablePage {
  private readonly readable: (Readable | null)[];
  /** Per event: how many readers it concerns have yet to apply it. */
  private readonly pending?: number[];
  private readonly stored?: (StoredText | undefined)[];

  constructor(
    readonly events: readonly RecordedEvent[],
    readers: readonly Projection[] = [],
  ) {
    this.readable = new Array<Readable | null>(events.length).fill(null);
    if (readers.length === 0 || events[0]?.stored === undefined) return;
    this.stored = events.map((event) => event.stored);
    this.pending = events.map((event) =>
      readers.reduce((count, reader) => (concerns(reader, event) ? count + 1 : count), 0),
    );
  }

  at(index: number): Readable {
    const known = this.readable[index];
    if (known !== null) return known;
    const readable = readableOrError(this.events[index]);
    this.readable[index] = readable;
    return readable;
  }

  /** One of the readers the event at `index` concerns has applied it. */
  applied(index: number): void {
    if (this.pending === undefined || --this.pending[index] !== 0) return;
    const stored = this.stored![index];
    if (stored === undefined) return;
    this.readable[index] = null;
    forgetContent(this.events[index], stored);
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
  applyTo(target: ApplyTarget, page: ReadablePage): void {
    const { events } = page;
    const last = events[events.length - 1].position;
    // Pages are in position order: the events this target has not applied are a suffix.
    let first = 0;
    while (first < events.length && events[first].position <= target.position) first++;
    try {
      const batch = batchHandlerOf(target.projection);
      this.readStore.db.transaction(() => {
        for (let index = first; index < events.length; index++) {
          this.applyEvent(target, page, index, batch);
        }
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
    for (let index = first; index < events.length; index++) {
      const event = events[index];
      const error = this.tryApply(target, page, index);
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

  /**
   * Applies the page's event at `index` in a savepoint, up to MAX_ATTEMPTS times; the last error,
   * if all failed.
   */
  tryApply(target: ApplyTarget, page: ReadablePage, index: number): string | undefined {
    let error = '';
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      try {
        const batch = batchHandlerOf(target.projection);
        this.readStore.db.transaction(() => {
          this.applyEvent(target, page, index, batch);
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
    page: ReadablePage,
    index: number,
    batch: BatchHandler | undefined,
  ): void {
    const { projection, db } = target;
    const event = page.events[index];
    if (!concerns(projection, event)) return;
    // Read deferred (ReadAllOptions.deferContent): parsed here, once, for the first that needs it,
    // and only as far as this projection reads it (Projection.everyEventReads: what is poison).
    if (readsDataOf(projection, event)) {
      readContent(event);
      if (event.malformed) throw new Error(event.malformed);
    } else {
      readMetadata(event);
      if (event.malformedMetadata) throw new Error(event.malformedMetadata);
    }
    batch?.event(event, db);
    // Upcasting keeps the type: a projection with no handler for it needs no reading of it.
    if (event.type in projection.handlers) {
      const current = page.at(index);
      if (current instanceof Error) throw current;
      if (current) applyTyped(projection, current, db);
    }
    page.applied(index);
  }
}
