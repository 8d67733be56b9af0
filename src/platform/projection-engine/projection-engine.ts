import type { EventStore, RecordedEvent } from '../event-store/event-store';
import { recordedDomainEventOrThrow } from '../event-store/unreadable-events';
import { type Fault, FaultState } from '../faults/fault-state';
import { faultCauseOf } from '../faults/store-unavailable';
import { inSpanSync } from '../observability/tracing';
import type { ReadStore } from '../read-store/read-store';
import { Checkpoints, type CheckpointRow } from './checkpoints';
import type { DeadLetter } from './dead-letters';
import {
  applyTyped,
  concerns,
  batchHandlerOf,
  type BatchHandler,
  type Projection,
  type ProjectionStatus,
  type Recorded,
} from './projection';
import type { Projector, ProjectorFault } from './projector';
import { VisiblePosition } from './visible-position';

export interface ProjectionEngineOptions {
  batchSize?: number;
  /** Told of each failed read before it is retried. */
  onError?: (error: Error) => void;
  /** Told when the engine starts failing for an environment fault, and when it works again. */
  onFault?: (fault: Fault | undefined) => void;
}

const RETRY_FIRST_MS = 100;
/** Tries of an event a handler throws on before it is dead-lettered (a busy file may pass). */
const MAX_ATTEMPTS = 3;
const RETRY_MAX_MS = 5000;

/** An event as this version reads it, undefined when skipped, or why it cannot be read. */
type Readable = Recorded | undefined | Error;

function readableOrError(event: RecordedEvent): Readable {
  try {
    return recordedDomainEventOrThrow(event);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

export interface BatchProgress {
  position: number;
  events: number;
}

/**
 * One catch-up reader over `$all` for every projection. Each batch and the checkpoints it moves
 * commit in one read-store transaction, so a crash never separates them; checkpoints are re-read
 * inside that transaction, so a second process (the rebuild CLI) can work on the same file.
 */
export class ProjectionEngine implements Projector {
  private readonly checkpoints: Checkpoints;
  private readonly byName: Map<string, Projection>;
  private pumping?: Promise<void>;
  private pumpAgain = false;
  private stopped = false;
  private prepared = false;
  private readonly visible = new VisiblePosition();
  private visibleListeners = new Set<(position: number) => void>();
  private batchListeners = new Set<(progress: BatchProgress) => void>();
  private appliedListeners = new Set<(events: readonly RecordedEvent[]) => void>();
  private unsubscribe?: () => void;
  private readonly batchSize: number;
  private failures = 0;
  /** Why the engine cannot move (a store it reads or writes is failing), until a step succeeds. */
  readonly faults = new FaultState();

  constructor(
    private readonly store: EventStore,
    private readonly readStore: ReadStore,
    readonly projections: readonly Projection[],
    private readonly options: ProjectionEngineOptions = {},
  ) {
    this.checkpoints = new Checkpoints(readStore);
    this.byName = new Map(projections.map((projection) => [projection.name, projection]));
    // Catching up, each commit rewrites every index page the batch touched (the audit log's
    // indexes are keyed at random): fewer, larger commits write far less. Live pages stay small.
    this.batchSize = options.batchSize ?? 5000;
  }

  /** Follows the store live: catches up now, then after every append. */
  async start(): Promise<void> {
    this.stopped = false;
    this.unsubscribe?.();
    this.unsubscribe = this.store.onAppended(() => this.kick());
    await this.catchUp();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    await this.pumping;
  }

  /** Applies every event the store has; resolves when the projections reached its head. */
  catchUp(): Promise<void> {
    this.prepare();
    this.kick();
    return this.pumping ?? Promise.resolve();
  }

  /** Calls `listener` with each page of events once the read models committed it (live updates). */
  onApplied(listener: (events: readonly RecordedEvent[]) => void): () => void {
    this.appliedListeners.add(listener);
    return () => this.appliedListeners.delete(listener);
  }

  /** Calls `listener` with the position every working read model has reached, whenever it moves. */
  onVisible(listener: (position: number) => void): () => void {
    this.visibleListeners.add(listener);
    return () => this.visibleListeners.delete(listener);
  }

  /** Resolves once every working projection has applied the event at `position`. */
  visiblePosition(): number {
    return this.visible.current;
  }

  waitFor(position: number, timeoutMs: number): Promise<void> {
    const visible = this.visible.waitFor(position, timeoutMs);
    this.kick();
    return visible;
  }

  /** Throws ReadModelNotReadyError unless the named read models are complete (waits a little). */
  whenServing(names: readonly string[], timeoutMs = 10_000): Promise<void> {
    return this.checkpoints.untilServing(names, timeoutMs, () => this.catchUp());
  }

  /** Empties the named read models (all when none are named) and replays every event into them. */
  async rebuild(
    names: readonly string[] = [],
    onBatch?: (progress: BatchProgress) => void,
  ): Promise<{ events: number; seconds: number }> {
    const targets =
      names.length > 0 ? names.map((name) => this.projection(name)) : [...this.projections];
    const started = process.hrtime.bigint();
    let events = 0;
    const listener = (progress: BatchProgress) => {
      events += progress.events;
      onBatch?.(progress);
    };
    this.batchListeners.add(listener);
    try {
      this.readStore.transaction(() =>
        targets.forEach((projection) => this.checkpoints.reset(projection)),
      );
      this.publishVisible(0);
      await this.catchUp();
    } finally {
      this.batchListeners.delete(listener);
    }
    return { events, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  }

  /** The events the named projections (all when none are named) set aside, oldest first. */
  deadLetters(names: readonly string[] = []): DeadLetter[] {
    return this.checkpoints.deadLetters.list(names);
  }

  /**
   * Applies the dead letters of the named projections (all when none are named) again, oldest
   * first, after a fix; each one that applies leaves the table. A projection stopped (FAILED) at
   * the event resumes from it. Then catches every projection up. Answers what is still dead.
   */
  async retryDeadLetters(
    names: readonly string[] = [],
  ): Promise<{ retried: number; remaining: DeadLetter[] }> {
    this.prepare();
    const letters = this.checkpoints.deadLetters
      .list(names)
      .filter((letter) => this.byName.has(letter.projection));
    for (const letter of letters) {
      const [event] = await this.store.readAll({ after: letter.position - 1, maxCount: 1 });
      if (event?.position !== letter.position) continue;
      const projection = this.projection(letter.projection);
      this.readStore.transaction(() => {
        const error = this.tryApply(projection, event, readableOrError(event));
        if (error !== undefined) {
          this.checkpoints.deadLetters.record(projection.name, event, error, MAX_ATTEMPTS);
          return;
        }
        this.checkpoints.deadLetters.remove(projection.name, event.position);
        const row = this.checkpoints.get(projection.name);
        if (row?.state === 'FAILED' && row.position < event.position) {
          this.checkpoints.advance(row.name, event.position);
          // Not served until caught up again; its query indexes are (re)made when it is.
          this.checkpoints.setState(row.name, 'REBUILDING');
        }
      });
    }
    await this.catchUp();
    return { retried: letters.length, remaining: this.checkpoints.deadLetters.list(names) };
  }

  async status(): Promise<ProjectionStatus[]> {
    return this.checkpoints.statuses(this.projections, await this.store.headPosition());
  }

  fault(): ProjectorFault | undefined {
    const fault = this.faults.current;
    return fault && { cause: fault.cause, detail: fault.detail };
  }

  projection(name: string): Projection {
    const projection = this.byName.get(name);
    if (!projection) {
      throw new Error(`Unknown projection "${name}"; known: ${[...this.byName.keys()].join(', ')}`);
    }
    return projection;
  }

  /** Creates missing tables; a projection whose version changed starts again from the first event. */
  private prepare(): void {
    if (this.prepared) return;
    this.prepared = true;
    this.readStore.transaction(() => {
      for (const projection of this.projections) {
        const row = this.checkpoints.get(projection.name);
        if (!row || row.version !== projection.version) this.checkpoints.reset(projection);
        else {
          projection.schema.forEach((ddl) => this.readStore.db.exec(ddl));
          if (row.state !== 'REBUILDING') this.createQueryIndexes(projection);
        }
      }
    });
  }

  private kick(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    // Start on the next turn of the event loop, so the appends of one command (and of every
    // request handled meanwhile) are applied in one read-store transaction, not one each.
    this.pumping = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.pump())
      .finally(() => {
        this.pumping = undefined;
      });
  }

  private async pump(): Promise<void> {
    do {
      this.pumpAgain = false;
      while (!this.stopped && (await this.stepOrWait()));
    } while (this.pumpAgain && !this.stopped);
  }

  /**
   * A failed read (the event store unreachable) or a batch the read store could not commit (disk
   * full, locked) is reported and retried with backoff, never thrown.
   */
  private async stepOrWait(): Promise<boolean> {
    try {
      const more = await this.step();
      this.failures = 0;
      if (this.faults.current) {
        this.faults.clear();
        this.options.onFault?.(undefined);
      }
      return more;
    } catch (error) {
      this.failures += 1;
      const before = this.faults.current?.cause;
      if (this.faults.noteFailure(error) && this.faults.current?.cause !== before) {
        this.options.onFault?.(this.faults.current);
      }
      const reason = error instanceof Error ? error.message : String(error);
      this.options.onError?.(new Error(`reading events failed, retrying: ${reason}`));
      const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (this.failures - 1));
      await new Promise((resolve) => setTimeout(resolve, delay));
      return true;
    }
  }

  /** Reads and applies one page; false when there was nothing left to read. */
  private async step(): Promise<boolean> {
    const working = this.workingCheckpoints();
    if (working.length === 0) return false;
    const after = Math.min(...working.map((row) => row.position));
    const page = await this.store.readAll({ after, maxCount: this.batchSize });
    if (page.length === 0) {
      if (working.some((row) => row.state === 'REBUILDING')) {
        this.readStore.transaction(() => {
          for (const row of this.workingCheckpoints()) {
            if (row.state === 'REBUILDING' && row.position >= after) {
              this.createQueryIndexes(this.projection(row.name));
              this.checkpoints.setState(row.name, 'LIVE');
            }
          }
        });
      }
      this.publishVisible(after);
      return false;
    }
    const last = page[page.length - 1].position;
    const visible = inSpanSync(
      'project',
      {
        'ledger.position.after': after,
        'ledger.position.last': last,
        'ledger.events': page.length,
      },
      () => this.applyPage(after, page),
    );
    this.batchListeners.forEach((listener) => listener({ position: last, events: page.length }));
    this.appliedListeners.forEach((listener) => listener(page));
    this.publishVisible(visible);
    // A short page was the head when read; an append since then has kicked the pump again.
    const rebuilding = working.some((row) => row.state === 'REBUILDING');
    return page.length === this.batchSize || rebuilding;
  }

  /** Applies the page to every projection it concerns; returns the position all working ones reached. */
  private applyPage(after: number, page: RecordedEvent[]): number {
    const last = page[page.length - 1].position;
    const readable = page.map(readableOrError);
    return this.readStore.transaction(() => {
      let visible = last;
      for (const row of this.workingCheckpoints()) {
        // A checkpoint behind this page was reset by another process meanwhile: it reads its own pages.
        if (row.position < after || row.position >= last) {
          visible = Math.min(visible, row.position);
          continue;
        }
        this.applyTo(this.projection(row.name), row, page, readable);
      }
      return visible;
    });
  }

  /**
   * Applies the page to one projection and moves its checkpoint. When a handler throws, the page
   * is applied again event by event: the poison event is tried MAX_ATTEMPTS times, then
   * dead-lettered, and the projection either skips it or stops before it (its policy).
   */
  private applyTo(
    projection: Projection,
    row: CheckpointRow,
    page: readonly RecordedEvent[],
    readable: readonly Readable[],
  ): void {
    const last = page[page.length - 1].position;
    const pending = page.flatMap((event, index) =>
      event.position > row.position ? [{ event, current: readable[index] }] : [],
    );
    try {
      const batch = batchHandlerOf(projection);
      this.readStore.db.transaction(() => {
        pending.forEach(({ event, current }) => this.applyEvent(projection, event, current, batch));
        batch?.end?.(this.readStore);
      })();
      this.checkpoints.advance(row.name, last);
      return;
    } catch (error) {
      // The environment, not the projection, failed: the whole batch is retried later.
      if (faultCauseOf(error)) throw error;
      // Otherwise rolled back to before the page; the event at fault is found and set aside below.
    }
    let applied = row.position;
    for (const { event, current } of pending) {
      const error = this.tryApply(projection, event, current);
      if (error !== undefined) {
        const message = `${event.type} at position ${event.position}: ${error}`;
        this.checkpoints.deadLetters.record(projection.name, event, error, MAX_ATTEMPTS);
        this.options.onError?.(new Error(`projection ${projection.name} dead-lettered ${message}`));
        if ((projection.deadLetterPolicy ?? 'CONTINUE') === 'FAIL') {
          this.checkpoints.advance(row.name, applied);
          this.checkpoints.setState(row.name, 'FAILED', message);
          return;
        }
      }
      applied = event.position;
    }
    this.checkpoints.advance(row.name, last);
  }

  /** Applies one event in a savepoint, up to MAX_ATTEMPTS times; the last error, if all failed. */
  private tryApply(
    projection: Projection,
    event: RecordedEvent,
    current: Readable,
  ): string | undefined {
    let error = '';
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      try {
        const batch = batchHandlerOf(projection);
        this.readStore.db.transaction(() => {
          this.applyEvent(projection, event, current, batch);
          batch?.end?.(this.readStore);
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
    projection: Projection,
    event: RecordedEvent,
    current: Readable,
    batch: BatchHandler | undefined,
  ): void {
    if (event.malformed && concerns(projection, event)) throw new Error(event.malformed);
    batch?.event(event, this.readStore);
    if (current instanceof Error) {
      if (event.type in projection.handlers) throw current;
    } else if (current) applyTyped(projection, current, this.readStore);
  }

  private createQueryIndexes(projection: Projection): void {
    projection.queryIndexes?.forEach((ddl) => this.readStore.db.exec(ddl));
  }

  private workingCheckpoints(): CheckpointRow[] {
    return this.checkpoints
      .all()
      .filter((row) => this.byName.has(row.name) && row.state !== 'FAILED');
  }

  private publishVisible(position: number): void {
    const moved = position !== this.visible.current;
    this.visible.publish(position);
    if (moved) this.visibleListeners.forEach((listener) => listener(position));
  }
}
