import { Worker } from 'node:worker_threads';
import { workerFile } from '../common/worker-file';
import type { Settings } from '../config/settings';
import type { EventStore } from '../event-store/event-store';
import type { ReadStore } from '../read-store/read-store';
import type { Projection } from './projection';
import type { BatchProgress } from './projection-engine';
import { ProjectionEngine } from './projection-engine';
import { type Checkpointer, checkpointElsewhere } from './parallel-replay-checkpoints';
import { balancedGroups } from './parallel-replay-groups';
import { discardStaleReplays, removeDatabaseFile, replayFile } from './replay-files';
import { eventsFile } from '../event-store/event-store.factory';
import { UnjournaledReplay } from '../read-store/unjournaled-replay';

const WORKER = workerFile(__filename, 'parallel-replay-worker');

/**
 * The parallel replay the settings ask for: on the embedded SQLite store only (a worker reads
 * its file), unless PROJECTION_PARALLEL_REPLAY is off.
 */
export function parallelReplayOf(
  settings: Pick<
    Settings,
    | 'PROJECTION_PARALLEL_REPLAY'
    | 'PROJECTION_PARALLEL_REPLAY_MIN_EVENTS'
    | 'EVENTSTORE_URL'
    | 'DATA_DIR'
  > & { PROJECTION_BATCH_SIZE?: number },
  projectionsModule: string,
  giveUpAfterFailures?: number,
): ParallelReplay | undefined {
  if (settings.PROJECTION_PARALLEL_REPLAY !== 'on' || settings.EVENTSTORE_URL) return undefined;
  return new ParallelReplay({
    eventsFile: eventsFile(settings),
    projectionsModule,
    batchSize: settings.PROJECTION_BATCH_SIZE,
    minEvents: settings.PROJECTION_PARALLEL_REPLAY_MIN_EVENTS,
    giveUpAfterFailures,
  });
}

/** What a replay worker is started with (workerData). */
export interface ReplayWorkerInput {
  eventsFile: string;
  projectionsModule: string;
  names: readonly string[];
  file: string;
  batchSize?: number;
  giveUpAfterFailures?: number;
}

export interface ParallelReplayOptions {
  /** The SQLite event store's file: each worker opens its own connection to it. */
  eventsFile: string;
  /** A module exporting `PROJECTIONS`, for the workers to load. */
  projectionsModule: string;
  batchSize?: number;
  /** The groups replayed in workers, one worker each; by default one, of about half the cost. */
  groups?: readonly (readonly string[])[];
  /**
   * A start on an empty read store replays in parallel from this many events in the store
   * (PROJECTION_PARALLEL_REPLAY_MIN_EVENTS); below, the one-thread catch-up is faster.
   */
  minEvents?: number;
  /** A command's replay gives up after this many failed tries (ProjectionEngineOptions). */
  giveUpAfterFailures?: number;
  /** Told of each group a worker replayed, once merged into the read store. */
  onMerged?: (names: readonly string[]) => void;
}

/** What a replay under way has started (each part once it has), for `stop` and its own cleanup. */
interface Running {
  engine?: ProjectionEngine;
  workers: Worker[];
  checkpointer?: Checkpointer;
}

/**
 * A full in-place replay (every read model from the first event) split over threads, one writer
 * per file: the workers' groups replay into temporary files beside the read store while the rest
 * replays into it here, then each group's tables, checkpoints and dead letters replace what the
 * read store has of them in one transaction, and the temporary files are deleted. With the read
 * store to itself, this thread writes it without a write-ahead log (`UnjournaledReplay`: a crash
 * then has the next open delete it, and the replay starts over); otherwise a thread of its own
 * checkpoints the log (`checkpointElsewhere`) and a crash leaves an interrupted replay that the
 * engine resumes from its checkpoints. Either way `discardStaleReplays` deletes the temporary files.
 */
export class ParallelReplay {
  /** What the replay under way runs, for `stop`. */
  private running?: Running;

  constructor(private readonly options: ParallelReplayOptions) {}

  /**
   * Whether a start replays in parallel: the read store is empty (`empty`: every checkpoint at
   * the first event) and the event store holds at least `minEvents`. Deletes the temporary files
   * a killed replay left, either way (the read store resumes from its checkpoints).
   */
  async paysAtStart(store: EventStore, readStore: ReadStore, empty: boolean): Promise<boolean> {
    discardStaleReplays(readStore.file);
    if (!empty) return false;
    return (await store.headPosition()) >= (this.options.minEvents ?? 0);
  }

  /** Stops the replay under way: `replay` then rejects, leaving an interrupted replay. */
  async stop(): Promise<void> {
    const running = this.running;
    if (!running) return;
    await running.engine?.stop();
    await Promise.all(running.workers.map((worker) => worker.terminate()));
    await running.checkpointer?.stop();
  }

  /** Replays `projections` into `readStore`; `onBatch` hears the pages this thread replays. */
  async replay(
    store: EventStore,
    readStore: ReadStore,
    projections: readonly Projection[],
    onBatch: (progress: BatchProgress) => void,
  ): Promise<void> {
    discardStaleReplays(readStore.file);
    const workerGroups = this.options.groups ?? [
      balancedGroups(projections.map(({ name }) => name)).worker,
    ];
    const groups = workerGroups
      .map((group) => projections.filter(({ name }) => group.includes(name)))
      .filter((group) => group.length > 0);
    const inWorkers = new Set(groups.flat().map(({ name }) => name));
    const here = projections.filter(({ name }) => !inWorkers.has(name));
    const files = groups.map((_, i) => replayFile(readStore.file, i));
    const running: Running = { workers: [] };
    this.running = running;
    let unjournaled: UnjournaledReplay | undefined;
    try {
      const workers = groups.map((group, i) => {
        const spawned = this.spawn(
          group.map(({ name }) => name),
          files[i],
        );
        running.workers.push(spawned.worker);
        return spawned;
      });
      // Without a write-ahead log when it has the file to itself; otherwise checkpointed beside.
      unjournaled = UnjournaledReplay.enter(readStore, rebuiltBy(projections));
      if (!unjournaled) running.checkpointer = checkpointElsewhere(readStore);
      if (here.length > 0) {
        running.engine = new ProjectionEngine(store, readStore, here, {
          batchSize: this.options.batchSize,
          giveUpAfterFailures: this.options.giveUpAfterFailures,
        });
        await running.engine.rebuild([], { inPlace: true, onBatch });
      }
      await Promise.all(workers.map(({ done }) => done));
      groups.forEach((group, i) => {
        mergeGroup(readStore, files[i], group);
        this.options.onMerged?.(group.map(({ name }) => name));
      });
    } finally {
      this.running = undefined;
      await Promise.all(running.workers.map((worker) => worker.terminate()));
      await running.checkpointer?.stop();
      files.forEach(removeDatabaseFile);
      unjournaled?.leave();
    }
  }

  private spawn(names: readonly string[], file: string): { worker: Worker; done: Promise<void> } {
    const input: ReplayWorkerInput = {
      eventsFile: this.options.eventsFile,
      projectionsModule: this.options.projectionsModule,
      names,
      file,
      batchSize: this.options.batchSize,
      giveUpAfterFailures: this.options.giveUpAfterFailures,
    };
    const worker = new Worker(WORKER.file, { workerData: input, execArgv: WORKER.execArgv });
    const done = new Promise<void>((resolve, reject) => {
      worker.on('message', (message: 'done' | { warning: string }) => {
        if (message === 'done') resolve();
        else process.emitWarning(message.warning);
      });
      worker.once('error', reject);
      worker.once('exit', (code) =>
        reject(new Error(`the replay worker of ${names.join(', ')} exited (code ${code})`)),
      );
    });
    // Awaited after this thread's replay; a worker failing before must not be unhandled meanwhile.
    done.catch(() => undefined);
    return { worker, done };
  }
}

/** The engine's tables (checkpoints.ts, builds.ts, dead-letters.ts): a full replay writes them anew. */
const ENGINE_TABLES = ['projection_checkpoints', 'projection_builds', 'projection_dead_letters'];

/**
 * Whether a full replay of `projections` rebuilds `table`: theirs (and a build's, `<table>__v…`),
 * and the engine's own. What else the read store holds (the policies' checkpoints) it keeps.
 */
const rebuiltBy = (projections: readonly Projection[]) => {
  const tables = new Set([
    ...projections.flatMap((projection) => projection.tables),
    ...ENGINE_TABLES,
  ]);
  return (table: string) => tables.has(table) || tables.has(table.split('__')[0]);
};

/**
 * Replaces the read store's tables, query indexes, checkpoints and dead letters of `group` with
 * the replay's in `file`, in one transaction. A checkpoint comes back REBUILDING (FAILED stays
 * FAILED): the engine sets it LIVE once it has caught up, as after any replay.
 */
function mergeGroup(readStore: ReadStore, file: string, group: readonly Projection[]): void {
  const names = JSON.stringify(group.map(({ name }) => name));
  readStore.db.prepare('ATTACH DATABASE ? AS replay').run(file);
  try {
    readStore.transaction(() => {
      const replayed = readStore.get<{ n: number }>(
        'SELECT COUNT(*) AS n FROM replay.projection_checkpoints WHERE name IN (SELECT value FROM json_each(?))',
        [names],
      );
      if (replayed?.n !== group.length) throw new Error(`the replay in ${file} is incomplete`);
      const failed = new Set(
        readStore
          .all<{ name: string }>(
            "SELECT name FROM replay.projection_checkpoints WHERE state = 'FAILED'",
          )
          .map(({ name }) => name),
      );
      for (const projection of group) {
        projection.tables.forEach((table) => readStore.db.exec(`DELETE FROM main."${table}"`));
        // The worker built them: an empty table with the same indexes takes the rows and index
        // entries as they are (SQLite's transfer optimisation), not a sort of its own.
        if (!failed.has(projection.name))
          projection.queryIndexes?.forEach((ddl) => readStore.db.exec(ddl));
        projection.tables.forEach((table) =>
          readStore.db.exec(`INSERT INTO main."${table}" SELECT * FROM replay."${table}"`),
        );
      }
      readStore.run(
        `INSERT INTO main.projection_checkpoints (name, version, position, state, error, suffix)
         SELECT name, version, position, CASE state WHEN 'FAILED' THEN 'FAILED' ELSE 'REBUILDING' END,
           error, suffix
         FROM replay.projection_checkpoints WHERE name IN (SELECT value FROM json_each(?))
         ON CONFLICT (name) DO UPDATE SET version = excluded.version, position = excluded.position,
           state = excluded.state, error = excluded.error, suffix = excluded.suffix`,
        [names],
      );
      readStore.run(
        'DELETE FROM main.projection_dead_letters WHERE projection IN (SELECT value FROM json_each(?))',
        [names],
      );
      readStore.run(
        `INSERT INTO main.projection_dead_letters SELECT * FROM replay.projection_dead_letters
         WHERE projection IN (SELECT value FROM json_each(?))`,
        [names],
      );
    });
  } finally {
    readStore.db.exec('DETACH DATABASE replay');
  }
}
