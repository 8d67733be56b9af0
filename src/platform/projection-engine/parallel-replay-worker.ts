// A worker thread of ParallelReplay: replays its group of projections into its own file.
import 'reflect-metadata';
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store';
import { sendWarningsTo } from '../observability/process-warnings';
import { ReadStore } from '../read-store/read-store';
import type { ReplayWorkerInput } from './parallel-replay';
import type { Projection } from './projection';
import { ProjectionEngine } from './projection-engine';

const { eventsFile, projectionsModule, names, file, batchSize, giveUpAfterFailures } =
  workerData as ReplayWorkerInput;
// Warned about where the replay was asked for: that thread's log, or the command line's stderr.
sendWarningsTo((message) => parentPort!.postMessage({ warning: message }));
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the caller says which module
const { PROJECTIONS } = require(projectionsModule) as { PROJECTIONS: readonly Projection[] };

async function replay(): Promise<void> {
  const store = new SqliteEventStore(eventsFile);
  const readStore = new ReadStore(file);
  // A file deleted once merged, and after a crash: no write-ahead log (every page written once,
  // not twice) and no fsync. Its rollback journal stays, in memory, for a batch that fails.
  readStore.db.pragma('journal_mode = MEMORY');
  readStore.db.pragma('synchronous = OFF');
  try {
    // Query indexes are built here, beside the other thread's replay: the merge copies them.
    const group = PROJECTIONS.filter(({ name }) => names.includes(name));
    await new ProjectionEngine(store, readStore, group, { batchSize, giveUpAfterFailures }).rebuild(
      [],
      {
        inPlace: true,
      },
    );
  } finally {
    readStore.close();
    await store.close();
  }
  // A warning is emitted on the next tick, which a replay ending in resolved promises alone has
  // not reached yet: let it go first, or the thread ends (or is ended) without it.
  await new Promise((resolve) => setImmediate(resolve));
  parentPort!.postMessage('done');
}

// A failed replay is left unhandled on purpose: the worker dies and ParallelReplay reports it.
void replay();
