// A worker thread of ParallelReplay: checkpoints the read store's write-ahead log while the
// calling thread replays into it, so that thread neither copies its pages into the file nor waits
// for their fsync.
import { workerData } from 'node:worker_threads';
import { ReadStore } from '../read-store/read-store';
import type { CheckpointerInput } from './parallel-replay-checkpoints';

const { file, stop, intervalMs, restartFromFrames } = workerData as CheckpointerInput;
const stopped = new Int32Array(stop);

/**
 * How long a RESTART waits for the writer's lock, then for readers to leave the log: live writes
 * beside a blue/green build wait for it, so not the 5 s a writer may.
 */
const BUSY_WAIT_MS = 1000;

const readStore = new ReadStore(file, BUSY_WAIT_MS);
try {
  do {
    // PASSIVE: copies what the log holds committed, waiting for no reader and no writer.
    const [{ log }] = readStore.db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
    // A replay that never pauses never lets a PASSIVE checkpoint find the whole log copied when it
    // begins a transaction, so the log would never start over: 4 GB at 1,000,000 events beside a
    // 2.4 GB read store, every frame written to new file space. RESTART waits for the writer
    // between two batches, copies the rest, and has its next batch write the log from its start.
    if (log >= restartFromFrames) readStore.db.pragma('wal_checkpoint(RESTART)');
  } while (Atomics.wait(stopped, 0, 0, intervalMs) === 'timed-out');
  // The replay is over: the log goes back to nothing, where a running server would keep the
  // largest it grew to on disk (SQLite reuses a log's file from its start, never shortening it).
  readStore.db.pragma('wal_checkpoint(TRUNCATE)');
} finally {
  readStore.close();
}
