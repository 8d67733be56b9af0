import { Worker } from 'node:worker_threads';
import { workerFile } from '../common/worker-file';
import type { EventStore } from '../event-store/event-store';
import type { ReadStore } from '../read-store/read-store';
import type { Projection } from './projection';
import type { BatchProgress } from './projection-engine';
import { ProjectionEngine } from './projection-engine';
import { discardStaleReplays, removeDatabaseFile, replayFile } from './replay-files';

const WORKER = workerFile(__filename, 'parallel-replay-worker');

/**
 * The projections replayed in a worker thread, one group per worker, each into its own file; the
 * rest replay in the calling thread straight into the read store. Audit is about 29% of a full
 * replay (issue 17), the largest single share.
 */
export const WORKER_GROUPS: readonly (readonly string[])[] = [['audit']];

/** What a replay worker is started with (workerData). */
export interface ReplayWorkerInput {
  eventsFile: string;
  projectionsModule: string;
  names: readonly string[];
  file: string;
  batchSize?: number;
}

export interface ParallelReplayOptions {
  /** The SQLite event store's file: each worker opens its own connection to it. */
  eventsFile: string;
  /** A module exporting `PROJECTIONS`, for the workers to load. */
  projectionsModule: string;
  batchSize?: number;
  groups?: readonly (readonly string[])[];
  /** Told of each group a worker replayed, once merged into the read store. */
  onMerged?: (names: readonly string[]) => void;
}

/**
 * A full in-place replay (every read model from the first event) split over threads, one writer
 * per file: the workers' groups replay into temporary files beside the read store while the rest
 * replays into it here, then each group's tables, checkpoints and dead letters replace what the
 * read store has of them in one transaction, and the temporary files are deleted. A crash leaves
 * the read store as an interrupted replay (the engine resumes it from its checkpoints) and
 * temporary files that `discardStaleReplays` deletes.
 */
export class ParallelReplay {
  constructor(private readonly options: ParallelReplayOptions) {}

  /** Replays `projections` into `readStore`; `onBatch` hears the pages this thread replays. */
  async replay(
    store: EventStore,
    readStore: ReadStore,
    projections: readonly Projection[],
    onBatch: (progress: BatchProgress) => void,
  ): Promise<void> {
    discardStaleReplays(readStore.file);
    const groups = (this.options.groups ?? WORKER_GROUPS)
      .map((group) => projections.filter(({ name }) => group.includes(name)))
      .filter((group) => group.length > 0);
    const inWorkers = new Set(groups.flat().map(({ name }) => name));
    const here = projections.filter(({ name }) => !inWorkers.has(name));
    const files = groups.map((_, i) => replayFile(readStore.file, i));
    const workers = groups.map((group, i) =>
      this.spawn(
        group.map(({ name }) => name),
        files[i],
      ),
    );
    try {
      if (here.length > 0) {
        const engine = new ProjectionEngine(store, readStore, here, {
          batchSize: this.options.batchSize,
        });
        await engine.rebuild([], { inPlace: true, onBatch });
      }
      await Promise.all(workers.map(({ done }) => done));
      groups.forEach((group, i) => {
        mergeGroup(readStore, files[i], group);
        this.options.onMerged?.(group.map(({ name }) => name));
      });
    } finally {
      await Promise.all(workers.map(({ worker }) => worker.terminate()));
      files.forEach(removeDatabaseFile);
    }
  }

  private spawn(names: readonly string[], file: string): { worker: Worker; done: Promise<void> } {
    const input: ReplayWorkerInput = {
      eventsFile: this.options.eventsFile,
      projectionsModule: this.options.projectionsModule,
      names,
      file,
      batchSize: this.options.batchSize,
    };
    const worker = new Worker(WORKER.file, { workerData: input, execArgv: WORKER.execArgv });
    const done = new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
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

/**
 * Replaces the read store's tables, checkpoints and dead letters of `group` with the replay's in
 * `file`, in one transaction. A checkpoint comes back REBUILDING (FAILED stays FAILED): the
 * engine creates its query indexes and sets it LIVE once it has caught up, as after any replay.
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
      for (const table of group.flatMap((projection) => projection.tables)) {
        readStore.db.exec(`DELETE FROM main."${table}"`);
        readStore.db.exec(`INSERT INTO main."${table}" SELECT * FROM replay."${table}"`);
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
