// A worker thread of ParallelReplay: checkpoints the read store's write-ahead log while the
// calling thread replays into it, so that thread neither copies its pages into the file nor waits
// for their fsync.
import { workerData } from 'node:worker_threads';
import { ReadStore } from '../read-store/read-store';
import type { CheckpointerInput } from './parallel-replay-checkpoints';

const { file, stop, intervalMs } = workerData as CheckpointerInput;
const stopped = new Int32Array(stop);

const readStore = new ReadStore(file);
try {
  do {
    // PASSIVE: copies what the log holds committed, waiting for no reader and no writer.
    readStore.db.pragma('wal_checkpoint(PASSIVE)');
  } while (Atomics.wait(stopped, 0, 0, intervalMs) === 'timed-out');
} finally {
  readStore.close();
}
