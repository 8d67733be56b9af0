import { setTimeout as delay } from 'node:timers/promises';
import { faultCauseOf } from './store-unavailable';

/** How often a write that met another process's lock is tried again. */
const LOCK_RETRY_MS = 25;

/**
 * `work` (a short SQLite write whose busy wait is BUSY_WAIT_MS), tried again every LOCK_RETRY_MS
 * while another process holds the file's lock, for up to `waitMs`: the thread waits on a timer,
 * serving other requests, never in SQLite's blocking busy handler. Past it, the lock's error.
 */
export async function whileLocked<T>(work: () => T, waitMs: number): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return work();
    } catch (error) {
      if (faultCauseOf(error) !== 'LOCKED' || Date.now() >= deadline) throw error;
      await delay(LOCK_RETRY_MS);
    }
  }
}
