import type { EventStore, RecordedEvent } from '../event-store/event-store';
import { readContent } from '../event-store/stored-content';
import { type Fault, FaultState } from '../faults/fault-state';
import { inSpanSync } from '../observability/tracing';
import type { ReadStore } from '../read-store/read-store';
import { liveIndexNames } from './build-names';
import { Checkpoints, type CheckpointRow } from './checkpoints';
import { applyDeadLettersAgain } from './dead-letter-retry';
import type { DeadLetter } from './dead-letters';
import type { ParallelReplay } from './parallel-replay';
import { checkpointElsewhereFrom } from './parallel-replay-checkpoints';
import { PageApplier, ReadablePage } from './page-applier';
import {
  checkPrevious,
  definitionAt,
  type Projection,
  type ProjectionStatus,
  pageReading,
} from './projection';
import { ProjectionBuilder, switchedLine } from './projection-builder';
import type { PreviousVersion, Projector, ProjectorFault, RebuildOptions } from './projector';
import { GaveUpError, StepRetries } from './step-retries';
import { type ReadModelPositions, VisiblePosition } from './visible-position';

export interface ProjectionEngineOptions {
  batchSize?: number;
  /** Told of each failed read before it is retried. */
  onError?: (error: Error) => void;
  /** Told when the engine starts failing for an environment fault, and when it works again. */
  onFault?: (fault: Fault | undefined) => void;
  /**
   * A command's engine: after this many failed tries in a row (at once for a damaged file) a
   * catch-up or rebuild fails with GaveUpError instead of retrying for ever, as the server does.
   */
  giveUpAfterFailures?: number;
  /** How long a blue/green build's lock lasts unrenewed (PROJECTION_BUILD_LEASE_MS). */
  buildLeaseMs?: number;
  /**
   * Replays every read model over several threads and files: rebuilt in place by a command, or
   * at a start on an empty read store (a large event store: PROJECTION_PARALLEL_REPLAY_MIN_EVENTS).
   */
  parallelReplay?: ParallelReplay;
  /**
   * A rebuild leaves the read store's WAL checkpoints to a thread of its own once it has replayed
   * this many events (`checkpointElsewhereFrom`). Default 20,000: a smaller replay is over before
   * the thread pays for its start.
   */
  checkpointElsewhereFromEvents?: number;
}

const CHECKPOINT_ELSEWHERE_FROM_EVENTS = 20_000;

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
  private readonly applier: PageApplier;
  /** Builds new versions beside the live ones (blue/green). */
  private readonly builder: ProjectionBuilder;
  private readonly byName: Map<string, Projection>;
  /** Whether it follows the store (start): builds then run in the background. */
  private following = false;
  /** What a step was doing when it failed, as its retry warning tells it (which store, which file). */
  private stage = 'reading events';
  private pumping?: Promise<void>;
  private pumpAgain = false;
  private stopped = false;
  private prepared = false;
  /** A parallel replay at start writes the read models: the pump waits for its end. */
  private replaying = false;
  private readonly visible = new VisiblePosition();
  /** The last position live listeners were told of: a page read again (a rebuild) is not news. */
  private notifiedUpTo = 0;
  private batchListeners = new Set<(progress: BatchProgress) => void>();
  private appliedListeners = new Set<(events: readonly RecordedEvent[]) => void>();
  private unsubscribe?: () => void;
  private readonly batchSize: number;
  private readonly retries: StepRetries;
  /**
   * The working checkpoints as this engine last read them inside a batch's transaction, moved by
   * what it applied since: where the next page starts. Only a guess until re-read inside that
   * page's transaction (another process may have reset one), so each batch reads them once.
   */
  private known?: CheckpointRow[];
  /** Why the engine cannot move (a store it reads or writes is failing), until a step succeeds. */
  readonly faults = new FaultState();

  constructor(
    private readonly store: EventStore,
    private readonly readStore: ReadStore,
    readonly projections: readonly Projection[],
    private readonly options: ProjectionEngineOptions = {},
  ) {
    projections.forEach(checkPrevious);
    this.checkpoints = new Checkpoints(readStore, {
      projections,
      buildLeaseMs: options.buildLeaseMs,
    });
    this.applier = new PageApplier(readStore, this.checkpoints.deadLetters, options.onError);
    this.byName = new Map(projections.map((projection) => [projection.name, projection]));
    // Catching up, each commit rewrites every index page the batch touched (the audit log's
    // indexes are keyed at random): fewer, larger commits write far less. Live pages stay small.
    this.batchSize = options.batchSize ?? 5000;
    this.retries = new StepRetries(options.giveUpAfterFailures);
    this.builder = new ProjectionBuilder(
      store,
      readStore,
      this.checkpoints,
      this.applier,
      this.byName,
      this.batchSize,
      {
        onError: options.onError,
        giveUpAfterFailures: options.giveUpAfterFailures,
        // The switch moved a live checkpoint: what this engine last read of them is stale.
        onSwitched: () => {
          this.known = undefined;
          this.kick();
        },
      },
    );
  }

  /**
   * Follows the store live: catches up now, then after every append. A new version whose queries
   * can read the live version's tables is built in the background; any other is built first.
   */
  async start(): Promise<void> {
    this.stopped = false;
    this.unsubscribe?.();
    this.unsubscribe = this.store.onAppended(() => {
      this.kick();
      this.builder.kick();
    });
    this.following = true;
    await this.replayInParallelIfEmpty();
    await this.catchUp();
    const unreadable = this.builder.unreadableMeanwhile();
    if (unreadable.length > 0) await this.builder.finish(unreadable);
    this.builder.follow();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.following = false;
    this.unsubscribe?.();
    await this.options.parallelReplay?.stop();
    await this.pumping;
    await this.builder.stop();
  }

  /** A start on an empty read store replays over threads first when that pays (a large store). */
  private async replayInParallelIfEmpty(): Promise<void> {
    const parallel = this.options.parallelReplay;
    if (!parallel) return;
    this.prepare();
    const empty = this.projections.every((projection) => {
      const row = this.checkpoints.get(projection.name);
      return row?.state === 'REBUILDING' && row.position === 0;
    });
    if (!(await parallel.paysAtStart(this.store, this.readStore, empty))) return;
    // Appends meanwhile do not kick this engine's pump: the replay writes the same tables.
    this.replaying = true;
    try {
      await parallel.replay(this.store, this.readStore, this.projections, (progress) =>
        this.batchListeners.forEach((listener) => listener(progress)),
      );
    } finally {
      this.replaying = false;
      this.known = undefined;
    }
  }

  /**
   * Applies every event the store has; resolves when the projections reached its head. Not
   * following the store (a command), it also finishes the builds of new versions first (of a name
   * in `builds`, only the build with that suffix, which a rebuild began).
   */
  catchUp(builds?: ReadonlyMap<string, string | undefined>): Promise<void> {
    this.prepare();
    this.kick();
    const live = this.pumping ?? Promise.resolve();
    if (this.following) {
      this.builder.kick();
      return live;
    }
    // A switch kicks the live pump again (the switched read models' checkpoints moved).
    return live
      .then(() =>
        this.builder.finish(
          this.projections.map(({ name }) => name),
          builds,
        ),
      )
      .then(() => this.pumping);
  }

  /** Calls `listener` as a version built beside the live one moves, indexes, and goes live. */
  onBuildProgress(listener: Parameters<ProjectionBuilder['onProgress']>[0]): () => void {
    return this.builder.onProgress(listener);
  }

  /** Calls `log` with a line for the operator as each version built beside the live one goes live. */
  onSwitched(log: (line: string) => void): () => void {
    return this.builder.onProgress((progress) => {
      const line = switchedLine(progress, this.projections);
      if (line) log(line);
    });
  }

  /** Calls `listener` with each page of events once the read models committed it (live updates). */
  onApplied(listener: (events: readonly RecordedEvent[]) => void): () => void {
    this.appliedListeners.add(listener);
    return () => this.appliedListeners.delete(listener);
  }

  /**
   * Calls `listener` with the position every working read model has reached and each one's own,
   * whenever one of them moves.
   */
  onVisible(listener: (position: number, positions: ReadModelPositions) => void): () => void {
    return this.visible.onMoved(listener);
  }

  /** Resolves once every working projection has applied the event at `position`. */
  visiblePosition(): number {
    return this.visible.current;
  }

  waitFor(position: number, timeoutMs: number, readModels?: readonly string[]): Promise<void> {
    const visible = this.visible.waitFor(position, timeoutMs, readModels);
    this.kick();
    return visible;
  }

  notServing(names: readonly string[]): string[] {
    return this.checkpoints.notServing(names);
  }

  /** Throws ReadModelNotReadyError unless the named read models are complete (waits a little). */
  whenServing(names: readonly string[], timeoutMs = 10_000): Promise<PreviousVersion[]> {
    return this.checkpoints.untilServing(names, timeoutMs, () => this.catchUp());
  }

  /**
   * Rebuilds the named read models (all when none are named) from the first event: beside the
   * live ones (blue/green) while they serve, or in place (emptied first: their queries wait, then
   * are refused) when asked, or when one has nothing live to serve. Throws BuildLockedError,
   * changing nothing, while another process builds one of them.
   */
  async rebuild(
    names: readonly string[] = [],
    options: RebuildOptions & { onBatch?: (progress: BatchProgress) => void } = {},
  ): Promise<{ events: number; seconds: number }> {
    const { onBatch } = options;
    const targets =
      names.length > 0 ? names.map((name) => this.projection(name)) : [...this.projections];
    const started = process.hrtime.bigint();
    this.prepare();
    const inPlace = targets.filter(
      (projection) =>
        options.inPlace === true || this.checkpoints.get(projection.name)?.state !== 'LIVE',
    );
    const beside = targets.filter((projection) => !inPlace.includes(projection));
    const besideNames = beside.map(({ name }) => name);
    const parallel = this.options.parallelReplay;
    const inParallel = parallel && !this.following && inPlace.length === this.projections.length;
    // The parallel replay checkpoints elsewhere itself; what is left after it is the few events since.
    const walCheckpoints = inParallel
      ? undefined
      : checkpointElsewhereFrom(
          this.readStore,
          this.options.checkpointElsewhereFromEvents ?? CHECKPOINT_ELSEWHERE_FROM_EVENTS,
        );
    // The read models rebuilt in place and those built beside each replay the same events.
    const replayed = { inPlace: 0, beside: 0 };
    const counted = (way: keyof typeof replayed) => (progress: BatchProgress) => {
      replayed[way] += progress.events;
      walCheckpoints?.replayed(replayed.inPlace + replayed.beside);
      onBatch?.(progress);
    };
    const listener = counted('inPlace');
    const besideListener = counted('beside');
    if (inPlace.length > 0) this.batchListeners.add(listener);
    const stopListening = this.builder.onProgress((progress) => {
      if (progress.phase === 'batch' && progress.names.some((name) => besideNames.includes(name)))
        besideListener(progress);
    });
    /** The builds this call began or resumed, by their suffix: a later one is another rebuild's. */
    let began = new Map<string, string | undefined>();
    try {
      this.readStore.transaction(() => {
        inPlace.forEach((projection) => this.builder.assertNotBuiltElsewhere(projection));
        inPlace.forEach((projection) => this.checkpoints.reset(projection));
        beside.forEach((projection) => this.builder.begin(projection));
      });
      this.known = undefined;
      began = new Map(besideNames.map((name) => [name, this.checkpoints.builds.get(name)?.suffix]));
      if (inPlace.length > 0) this.publishVisible(0);
      if (inParallel) await parallel.replay(this.store, this.readStore, this.projections, listener);
      await this.catchUp(began);
      await this.builder.finish(besideNames, began);
      await this.pumping;
    } finally {
      this.batchListeners.delete(listener);
      stopListening();
      await walCheckpoints?.stop();
    }
    const taken = besideNames
      .map((name) => this.checkpoints.builds.get(name))
      .filter(
        (build) =>
          build !== undefined && build.state !== 'FAILED' && build.suffix === began.get(build.name),
      );
    if (taken.length > 0 && !this.stopped) {
      throw new Error(
        `another process took over the build of ${taken.map((build) => `${build!.name} (${build!.owner})`).join(', ')}`,
      );
    }
    const events = Math.max(replayed.inPlace, replayed.beside);
    return { events, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  }

  /**
   * The events the named projections (all when none are named) set aside, oldest first. A version
   * built beside the live one keeps its letters under its build's name (`customers__v5_…`); a name
   * that is neither a projection, nor a build under way, nor holds letters throws.
   */
  deadLetters(names: readonly string[] = []): DeadLetter[] {
    const letters = this.checkpoints.deadLetters.list(names);
    for (const name of names) {
      const [base, build] = name.split('__v');
      this.projection(base);
      const underWay = this.checkpoints.builds.get(base);
      const known =
        build === undefined ||
        underWay?.suffix === name.slice(base.length) ||
        letters.some((letter) => letter.projection === name);
      if (!known) {
        throw new Error(
          `No build named "${name}": \`projections status\` shows the builds under way`,
        );
      }
    }
    return letters;
  }

  /**
   * Applies the dead letters of the named projections (all when none are named) again, oldest
   * first, after a fix; each one that applies leaves the table. A projection stopped (FAILED) at
   * the event resumes from it. One that went on past a letter (CONTINUE) has applied later events
   * the letter comes before: applied now it would land out of order, so that projection is rebuilt
   * beside the live one instead (`rebuilt`), its letters in their place. Then catches every
   * projection up. Answers how many letters were retried and applied, and what is dead now.
   */
  async retryDeadLetters(
    names: readonly string[] = [],
  ): Promise<{ retried: number; applied: number; rebuilt: string[]; remaining: DeadLetter[] }> {
    this.prepare();
    const chosen = this.projections.filter(
      ({ name }) => names.length === 0 || names.includes(name),
    );
    const lettersOf = new Map(
      chosen.map(({ name }) => [name, this.checkpoints.deadLetters.list([name])]),
    );
    const wentOn = chosen.filter(({ name }) => {
      const row = this.checkpoints.get(name);
      return (
        row !== undefined &&
        row.state !== 'FAILED' &&
        lettersOf.get(name)!.some((letter) => letter.position < row.position)
      );
    });
    const rebuilt = wentOn.map(({ name }) => name);
    const inRebuilds = rebuilt.reduce((sum, name) => sum + lettersOf.get(name)!.length, 0);
    const retried = await applyDeadLettersAgain(
      { store: this.store, readStore: this.readStore, checkpoints: this.checkpoints },
      this.applier,
      chosen.filter((projection) => !wentOn.includes(projection)),
    );
    this.known = undefined;
    if (rebuilt.length > 0) await this.rebuild(rebuilt);
    await this.catchUp();
    // Those of the projections retried: a build's own (`customers__v5_…`) were not. The catch-up
    // may have set new events aside: applied are the letters retried that are gone.
    const remaining = this.checkpoints.deadLetters.list(chosen.map(({ name }) => name));
    const gone = (letter: DeadLetter) =>
      !remaining.some(
        (left) => left.projection === letter.projection && left.position === letter.position,
      );
    const applied = [...lettersOf.values()].flat().filter(gone).length;
    return { retried: retried + inRebuilds, applied, rebuilt, remaining };
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

  /**
   * Creates missing tables. A projection whose version changed is built beside the live one
   * while that one serves (blue/green), or, with nothing live to serve, from the first event in place.
   */
  private prepare(): void {
    if (this.prepared) return;
    this.prepared = true;
    this.readStore.transaction(() => {
      for (const projection of this.projections) {
        const row = this.checkpoints.get(projection.name);
        if (!row || (row.version !== projection.version && row.state !== 'LIVE')) {
          this.checkpoints.reset(projection);
        } else if (row.version === projection.version) {
          const names = liveIndexNames(projection, row.suffix);
          projection.schema.forEach((ddl) => this.readStore.db.exec(names.sql(ddl)));
          if (row.state !== 'REBUILDING') this.createQueryIndexes(projection, row.suffix);
        }
      }
      this.builder.beginNewVersions(this.projections);
    });
  }

  private kick(): void {
    if (this.stopped || this.replaying) return;
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
    // A command that gave up hears it from what it awaits (catch-up, rebuild); a kick nobody awaits
    // must not end the process as an unhandled rejection.
    this.pumping.catch(() => undefined);
  }

  private async pump(): Promise<void> {
    do {
      this.pumpAgain = false;
      while (!this.stopped && (await this.stepOrWait()));
    } while (this.pumpAgain && !this.stopped);
  }

  /**
   * A failed read (the event store unreachable) or a batch the read store could not commit (disk
   * full, locked) is reported and retried with backoff (StepRetries): in the server never thrown;
   * a command gives up, and its catch-up or rebuild fails with GaveUpError.
   */
  private async stepOrWait(): Promise<boolean> {
    try {
      const more = await this.step();
      this.retries.succeeded();
      if (this.faults.current) {
        this.faults.clear();
        this.options.onFault?.(undefined);
      }
      return more;
    } catch (error) {
      const before = this.faults.current?.cause;
      if (this.faults.noteFailure(error) && this.faults.current?.cause !== before) {
        this.options.onFault?.(this.faults.current);
      }
      const delay = this.retries.failed(error);
      if (delay === undefined) throw new GaveUpError('reading and applying events', error);
      const reason = error instanceof Error ? error.message : String(error);
      this.options.onError?.(new Error(`${this.stage} failed, retrying: ${reason}`));
      await new Promise((resolve) => setTimeout(resolve, delay));
      return true;
    }
  }

  /**
   * Reads and applies one page; false when there was nothing left to read. Read models that are
   * LIVE read their own page first, so one being rebuilt (or behind) does not hold them back: a
   * mutation whose answer reads only them is answered meanwhile.
   */
  private async step(): Promise<boolean> {
    const working = this.known?.length ? this.known : this.readWorking();
    if (working.length === 0) return false;
    const after = Math.min(...working.map((row) => row.position));
    const live = working.filter((row) => row.state === 'LIVE');
    const liveAfter = Math.min(...live.map((row) => row.position));
    const liveMore = live.length > 0 && liveAfter > after && (await this.stepFrom(liveAfter, live));
    return (await this.stepFrom(after, working, true)) || liveMore;
  }

  /**
   * Applies the page after `after` to the `working` read models that have not applied it yet
   * (`all`: every working one, the step that counts the events a rebuild replays).
   */
  private async stepFrom(
    after: number,
    working: readonly CheckpointRow[],
    all = false,
  ): Promise<boolean> {
    // Each event parsed only once a read model it concerns applies it (or a listener hears of it);
    // for one read model alone, also let go of once applied (ReadablePage). With no listener,
    // the data none of them reads is not even read (Projection.everyEventReads).
    const projections = working.map((row) => this.definitionOf(row));
    const { deferContent, dataOfTypes } = pageReading(projections, this.appliedListeners.size > 0);
    this.stage = 'reading events';
    const page = await this.store.readAll({
      after,
      maxCount: this.batchSize,
      deferContent,
      dataOfTypes,
    });
    this.stage = `applying events to ${this.readStore.file}`;
    if (page.length === 0) return this.caughtUp(after, working, all);
    const last = page[page.length - 1].position;
    const { visible, rows } = inSpanSync(
      'project',
      {
        'ledger.position.after': after,
        'ledger.position.last': last,
        'ledger.events': page.length,
      },
      () => this.applyPage(after, page),
    );
    if (all) {
      this.batchListeners.forEach((listener) => listener({ position: last, events: page.length }));
    }
    let news = page.filter((event) => event.position > this.notifiedUpTo);
    if (news.length > 0) {
      this.notifiedUpTo = last;
      if (this.appliedListeners.size > 0) {
        // A listener came while the page was read without the data no read model wanted.
        if (dataOfTypes) news = await this.readWhole(news);
        news.forEach(readContent);
      }
      this.appliedListeners.forEach((listener) => listener(news));
    }
    this.publishVisible(visible, rows);
    // A short page was the head when read; an append since then has kicked the pump again.
    const rebuilding = working.some((row) => row.state === 'REBUILDING');
    return page.length === this.batchSize || rebuilding;
  }

  /** The same events read again whole (data and metadata). */
  private async readWhole(events: readonly RecordedEvent[]): Promise<RecordedEvent[]> {
    const after = events[0].position - 1;
    const last = events[events.length - 1].position;
    const whole = await this.store.readAll({ after, maxCount: events.length });
    return whole.filter((event) => event.position <= last);
  }

  /**
   * Nothing after `after`: read models rebuilding that reached it go live. Reads the checkpoints
   * afresh: one reset meanwhile (by another process, or a rebuild here) is behind `after` and
   * needs another step from where it is.
   */
  private caughtUp(after: number, working: readonly CheckpointRow[], all: boolean): boolean {
    let rows = this.readWorking();
    if (rows.some((row) => row.state === 'REBUILDING' && row.position >= after)) {
      rows = this.readStore.transaction(() => {
        const current = this.readWorking();
        for (const row of current) {
          if (row.state === 'REBUILDING' && row.position >= after) {
            this.createQueryIndexes(this.definitionOf(row), row.suffix);
            this.checkpoints.setState(row.name, 'LIVE');
            row.state = 'LIVE';
          }
        }
        return current;
      });
    }
    this.known = rows;
    this.publishVisible(Math.min(after, ...rows.map((row) => row.position)), rows);
    const names = new Set(working.map((row) => row.name));
    return rows.some((row) => row.position < after && (all || names.has(row.name)));
  }

  /**
   * Applies the page to every projection it concerns, reading the checkpoints once inside its
   * transaction; returns the position all working ones reached and their checkpoints after it.
   */
  private applyPage(
    after: number,
    page: RecordedEvent[],
  ): { visible: number; rows: CheckpointRow[] } {
    const last = page[page.length - 1].position;
    // A listener hears of the events after the page: their content is kept for it.
    const heard = this.appliedListeners.size > 0 && last > this.notifiedUpTo;
    try {
      return this.readStore.transaction(() => {
        let visible = last;
        const rows = this.readWorking();
        // A checkpoint behind this page was reset by another process meanwhile: it reads its own pages.
        const applying = rows.filter((row) => row.position >= after && row.position < last);
        for (const row of rows) {
          if (!applying.includes(row)) visible = Math.min(visible, row.position);
        }
        const readers = heard ? [] : applying.map((row) => this.definitionOf(row));
        const readable = new ReadablePage(page, readers);
        for (const row of applying) {
          this.applier.applyTo(
            this.checkpoints.liveTarget(this.definitionOf(row), row.position, row),
            readable,
          );
        }
        this.known = rows.filter((row) => row.state !== 'FAILED');
        return { visible, rows: this.known };
      });
    } catch (error) {
      // Rolled back: what was applied in memory is not what the file holds.
      this.known = undefined;
      throw error;
    }
  }

  private createQueryIndexes(projection: Projection, suffix: string): void {
    const names = liveIndexNames(projection, suffix);
    this.readStore.createIndexes((projection.queryIndexes ?? []).map((ddl) => names.sql(ddl)));
  }

  /**
   * The live versions this process applies events to, not failed: its own versions, and a live
   * previous version one of them declares (kept up with its handlers until the switch).
   */
  private readWorking(): CheckpointRow[] {
    return this.checkpoints.all().filter((row) => {
      if (row.state === 'FAILED') return false;
      const projection = this.byName.get(row.name);
      if (!projection) return false;
      return (
        row.version === projection.version ||
        (row.state === 'LIVE' && row.version === projection.previous?.version)
      );
    });
  }

  /** The definition of a working read model's live version: this process's, or its previous. */
  private definitionOf(row: CheckpointRow): Projection {
    return definitionAt(this.projection(row.name), row.version)!;
  }

  private publishVisible(position: number, rows = this.readWorking()): void {
    this.visible.publish(position, Object.fromEntries(rows.map((row) => [row.name, row.position])));
  }
}
