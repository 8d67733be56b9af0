import { setImmediate } from 'node:timers/promises';
import type { EventStore } from '../event-store/event-store';
import type { ReadStore } from '../read-store/read-store';
import { buildNames, type Renamer, renamedRunner } from './build-names';
import { type BuildRow, BuildLockedError } from './builds';
import type { Checkpoints } from './checkpoints';
import { type ApplyTarget, type PageApplier, ReadablePage } from './page-applier';
import { pageReading, type Projection, tablesReplacedBy } from './projection';
import { GaveUpError, StepRetries } from './step-retries';

export interface BuildProgress {
  /** `batch`: a page applied; `indexed`: caught up, query indexes made; `switched`: gone live. */
  phase: 'batch' | 'indexed' | 'switched';
  names: string[];
  position: number;
  events: number;
}

/**
 * What an operator reads in the server's log when a version built beside the live one goes live
 * (undefined for the other phases).
 */
export function switchedLine(
  progress: BuildProgress,
  projections: readonly Projection[],
): string | undefined {
  if (progress.phase !== 'switched') return undefined;
  const versions = progress.names.map(
    (name) => `${name} version ${projections.find((p) => p.name === name)?.version ?? '?'}`,
  );
  return `read model ${versions.join(', ')} is live: built beside the previous one, switched at position ${progress.position}`;
}

/** How often a process waiting for another's build looks again. */
const WAIT_FOR_OTHERS_MS = 250;

/**
 * Blue/green: builds a projection's new version beside the live one, in tables of its own (the
 * plain names plus a suffix), while the live one keeps serving. Once the build has caught up with
 * the head, one transaction drops the live tables, renames the build's to the plain names and
 * moves the checkpoint: queries never see a half-built version, and need no change. Each batch
 * commits with the build's checkpoint and renews its lock (a row of `projection_builds`), so a
 * crash resumes and two processes never build the same version at once.
 */
export class ProjectionBuilder {
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  /** Whether to look again, unasked, when another process's lock on a build expires. */
  private following = false;
  private retry?: NodeJS.Timeout;
  private readonly retries: StepRetries;
  private readonly renamers = new Map<string, Renamer>();
  private readonly listeners = new Set<(progress: BuildProgress) => void>();

  constructor(
    private readonly store: EventStore,
    private readonly readStore: ReadStore,
    private readonly checkpoints: Checkpoints,
    private readonly applier: PageApplier,
    private readonly byName: ReadonlyMap<string, Projection>,
    private readonly batchSize: number,
    private readonly hooks: {
      onError?: (error: Error) => void;
      /** A command's builder gives up after this many failed tries (ProjectionEngineOptions). */
      giveUpAfterFailures?: number;
      /** A build went live: the live pump should look at its new checkpoint. */
      onSwitched?: () => void;
    } = {},
  ) {
    this.retries = new StepRetries(hooks.giveUpAfterFailures);
  }

  private get builds() {
    return this.checkpoints.builds;
  }

  onProgress(listener: (progress: BuildProgress) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Starts a build of `projection` beside its live version, or takes over the one a stopped
   * process left at this version. Throws BuildLockedError while another process holds it.
   * Call inside a transaction.
   */
  begin(projection: Projection): void {
    const existing = this.assertNotBuiltElsewhere(projection);
    if (existing) {
      if (existing.version === projection.version && existing.state !== 'FAILED') {
        this.builds.hold(projection.name);
        return;
      }
      this.discard(existing);
    }
    const suffix = `__v${projection.version}_${Date.now().toString(36)}`;
    const names = buildNames(projection, suffix);
    projection.schema.forEach((ddl) => this.readStore.db.exec(names.sql(ddl)));
    this.builds.insert(
      projection.name,
      projection.version,
      suffix,
      this.previousReadable(projection, suffix),
    );
  }

  /**
   * Throws BuildLockedError while another process holds `projection`'s build (an in-place rebuild
   * must not empty what it builds from, either); answers the build row, if any.
   */
  assertNotBuiltElsewhere(projection: Projection): BuildRow | undefined {
    const existing = this.builds.get(projection.name);
    if (existing && !this.builds.claimable(existing)) {
      throw new BuildLockedError(projection.name, existing.owner ?? '?', existing.lease_until);
    }
    return existing;
  }

  /**
   * Starts building every projection whose live version is not this process's (a new version
   * was deployed), unless another process is building it. Call inside a transaction.
   */
  beginNewVersions(projections: readonly Projection[]): void {
    for (const projection of projections) {
      const live = this.checkpoints.get(projection.name);
      if (!live || live.state !== 'LIVE' || live.version === projection.version) continue;
      const build = this.builds.get(projection.name);
      if (build?.version === projection.version) continue; // resumed by the loop, when it may
      if (!build || this.builds.claimable(build)) this.begin(projection);
    }
  }

  /** The projections of this process whose version is being built and cannot be served meanwhile. */
  unreadableMeanwhile(): string[] {
    return this.builds
      .all()
      .filter((row) => this.ours(row) && row.state !== 'FAILED' && row.previous_readable === 0)
      .map((row) => row.name);
  }

  /** Keeps building in the background, and looks again when another process's lock expires. */
  follow(): void {
    this.stopped = false;
    this.following = true;
    this.kick();
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = undefined;
    });
    // Who waits for the build (finish) hears a command's GaveUpError; a kick alone must not crash.
    this.running.catch(() => undefined);
  }

  /**
   * Builds until none of this process's builds is left to it; then, for `waitFor` (names), waits
   * while another process builds them, until they went live or failed. For a name in `suffixes`, only
   * for that build: one of the same name begun after it went live is another rebuild's.
   */
  async finish(
    waitFor: readonly string[] = [],
    suffixes?: ReadonlyMap<string, string | undefined>,
  ): Promise<void> {
    for (;;) {
      this.kick();
      await this.running;
      if (this.stopped) return;
      const others = this.builds
        .all()
        .filter(
          (row) =>
            waitFor.includes(row.name) &&
            this.ours(row) &&
            row.state !== 'FAILED' &&
            (!suffixes?.has(row.name) || suffixes.get(row.name) === row.suffix),
        );
      if (others.length === 0) return;
      await new Promise((resolve) => setTimeout(resolve, WAIT_FOR_OTHERS_MS));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.following = false;
    clearTimeout(this.retry);
    await this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      // Between batches, the rest of the thread runs: the live pump (whose pages read-your-writes
      // waits for) would otherwise wait for the whole build, a store read that settles at once
      // (SQLite) never leaving the microtask queue.
      while (!this.stopped && (await this.stepOrWait())) await setImmediate();
    } while (this.again && !this.stopped);
  }

  private async stepOrWait(): Promise<boolean> {
    try {
      const more = await this.step();
      this.retries.succeeded();
      return more;
    } catch (error) {
      const delay = this.retries.failed(error);
      if (delay === undefined) throw new GaveUpError('building a projection version', error);
      const reason = error instanceof Error ? error.message : String(error);
      this.hooks.onError?.(new Error(`building a projection version failed, retrying: ${reason}`));
      await new Promise((resolve) => setTimeout(resolve, delay));
      return true;
    }
  }

  /** Reads and applies one page to every build this process holds; false when none is left. */
  private async step(): Promise<boolean> {
    const held = this.claim();
    if (held.length === 0) return false;
    const after = Math.min(...held.map((row) => row.position));
    const projections = held.map((row) => this.byName.get(row.name)!);
    const page = await this.store.readAll({
      after,
      maxCount: this.batchSize,
      ...pageReading(projections),
    });
    const done: BuildProgress[] = [];
    let more = true;
    if (page.length === 0) {
      more = this.readStore.transaction(() => this.caughtUp(after, done));
    } else {
      const last = page[page.length - 1].position;
      const readable = new ReadablePage(page, projections);
      // A short page was the head when read: a build that reaches it goes on (query indexes, the
      // switch) in the transaction that applied it, before the live version can move past it
      // (under steady writes, a build that waited for an empty page would chase it for ever).
      const atHead = page.length < this.batchSize;
      const names: string[] = [];
      for (const { name } of held) {
        const applied = this.readStore.transaction(() => {
          // Re-read inside the transaction: a lock taken over meanwhile is no longer ours.
          const row = this.heldRows().find((candidate) => candidate.name === name);
          if (!row || row.position < after || row.position >= last) return false;
          this.applier.applyTo(this.target(row), readable);
          if (atHead) this.caughtUp(last, done, name);
          return true;
        });
        if (applied) names.push(name);
        // A full page takes a while: the thread is free between builds, so the live pump (whose
        // pages read-your-writes waits for) waits for at most one projection's batch.
        if (!atHead) await setImmediate();
      }
      done.unshift({ phase: 'batch', names, position: last, events: page.length });
    }
    done.forEach((progress) => this.emit(progress));
    if (done.some((progress) => progress.phase === 'switched')) this.hooks.onSwitched?.();
    return more;
  }

  /**
   * The builds this process may apply events to now: its own, and any whose owner stopped
   * renewing its lock (taken over here). Schedules a look at the others' when their locks expire.
   */
  private claim(): BuildRow[] {
    const now = Date.now();
    const ours = this.builds.all().filter((row) => this.ours(row) && row.state !== 'FAILED');
    const free = ours.filter((row) => this.builds.claimable(row, now));
    const locked = ours.filter((row) => !this.builds.claimable(row, now));
    if (this.following && locked.length > 0) {
      clearTimeout(this.retry);
      const wait = Math.min(...locked.map((row) => row.lease_until)) - now + 10;
      this.retry = setTimeout(() => this.kick(), Math.max(10, wait));
      this.retry.unref();
    }
    const taken = free.filter((row) => row.owner !== this.builds.owner);
    if (taken.length === 0) return free;
    return this.readStore.transaction(() =>
      free.flatMap((row) =>
        row.owner === this.builds.owner ? [row] : (this.builds.hold(row.name) ?? []),
      ),
    );
  }

  /**
   * At the head: a build (`only` that one, if named) makes its query indexes, then (at the head
   * again) goes live, unless the live version is ahead of it.
   */
  private caughtUp(head: number, done: BuildProgress[], only?: string): boolean {
    let more = false;
    for (const row of this.heldRows()) {
      if (row.position < head || (only !== undefined && row.name !== only)) continue;
      const projection = this.byName.get(row.name)!;
      if (row.state === 'BUILDING') {
        const names = this.renamer(projection, row.suffix);
        this.readStore.createIndexes((projection.queryIndexes ?? []).map((ddl) => names.sql(ddl)));
        this.builds.setState(row.name, 'SWITCHING');
        done.push({ phase: 'indexed', names: [row.name], position: row.position, events: 0 });
        more = true;
        continue;
      }
      const live = this.checkpoints.get(row.name);
      // The live version moved past the build meanwhile: catch up with it first.
      if (live && live.position > row.position) {
        more = true;
        continue;
      }
      this.switchOver(projection, row);
      done.push({ phase: 'switched', names: [row.name], position: row.position, events: 0 });
    }
    return more;
  }

  /** The switch: one transaction (the caller's), so a reader sees the old version or the new. */
  private switchOver(projection: Projection, row: BuildRow): void {
    for (const table of tablesReplacedBy(projection)) {
      this.readStore.db.exec(`DROP TABLE IF EXISTS "${table}"`);
    }
    for (const table of projection.tables) {
      this.readStore.db.exec(`ALTER TABLE "${table}${row.suffix}" RENAME TO "${table}"`);
    }
    this.checkpoints.deadLetters.clear(row.name);
    this.checkpoints.deadLetters.rename(row.name + row.suffix, row.name);
    this.checkpoints.goLive(row);
    this.builds.remove(row.name);
  }

  /** Drops a build that will not go on (another version, or failed). Call inside a transaction. */
  private discard(row: BuildRow): void {
    const tables = this.readStore.all<{ name: string }>(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, -length(?)) = ?`,
      [row.suffix, row.suffix],
    );
    tables.forEach(({ name }) => this.readStore.db.exec(`DROP TABLE IF EXISTS "${name}"`));
    this.checkpoints.deadLetters.clear(row.name + row.suffix);
    this.builds.remove(row.name);
  }

  /**
   * Whether this version's queries can read the live tables while it builds: each table exists
   * there with every column the new version's has (a version that only changed its handlers), but
   * the tables and columns the version declares added, which its queries do without.
   */
  private previousReadable(projection: Projection, suffix: string): boolean {
    const columns = (table: string) =>
      new Set(
        this.readStore
          .all<{ name: string }>('SELECT name FROM pragma_table_info(?)', [table])
          .map((column) => column.name),
      );
    return projection.tables.every((table) => {
      const live = columns(table);
      if (live.size === 0) return projection.addedTables?.includes(table) ?? false;
      const added = projection.addedColumns?.[table] ?? [];
      return [...columns(table + suffix)].every((name) => live.has(name) || added.includes(name));
    });
  }

  private heldRows(): BuildRow[] {
    return this.builds
      .all()
      .filter((row) => row.owner === this.builds.owner && this.ours(row) && row.state !== 'FAILED');
  }

  /** A build of the version of a projection this process runs. */
  private ours(row: BuildRow): boolean {
    return this.byName.get(row.name)?.version === row.version;
  }

  private target(row: BuildRow): ApplyTarget {
    const projection = this.byName.get(row.name)!;
    return {
      projection,
      db: renamedRunner(this.readStore, this.renamer(projection, row.suffix)),
      position: row.position,
      deadLetterName: row.name + row.suffix,
      advance: (position) => this.builds.advance(row.name, position),
      fail: (message) => this.builds.setState(row.name, 'FAILED', message),
    };
  }

  private renamer(projection: Projection, suffix: string): Renamer {
    const key = projection.name + suffix;
    let renamer = this.renamers.get(key);
    if (!renamer) {
      renamer = buildNames(projection, suffix);
      this.renamers.set(key, renamer);
    }
    return renamer;
  }

  private emit(progress: BuildProgress): void {
    this.listeners.forEach((listener) => listener(progress));
  }
}
