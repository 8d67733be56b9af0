import { join, resolve } from 'node:path';
import type { Settings } from '../config/settings';
import { ReadStore } from './read-store';

/** `busyWaitMs`: short on the request thread, where a blocking wait would hold every request. */
export const createReadStore = (settings: Settings, busyWaitMs?: number): ReadStore =>
  new ReadStore(join(settings.DATA_DIR, 'read-models.db'), busyWaitMs);

export const describeReadStore = (settings: Settings): string =>
  `SQLite ${resolve(settings.DATA_DIR, 'read-models.db')}`;
