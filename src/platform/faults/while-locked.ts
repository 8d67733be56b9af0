import { setTimeout as delay } from 'node:timers/promises';
import { faultCauseOf } from './store-unavailable';

/**
 * SQLite's own busy handler waits at most this (blocking the thread) for a lock another process
 * holds, on every file a request writes (events.db with its lease table, idempotency.db): longer
 * waits happen on a timer, serving other requests meanwhile.
 */
export const BUSY_WAIT_MS = 20;

/** How often a write that met another process's lock is tried again. */
export const LOCK_RETRY_MS = 25;

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
