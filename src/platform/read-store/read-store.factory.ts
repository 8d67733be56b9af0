import { join, resolve } from 'node:path';
import type { Settings } from '../config/settings';
import { ReadStore } from './read-store';

export const createReadStore = (settings: Settings): ReadStore =>
  new ReadStore(join(settings.DATA_DIR, 'read-models.db'));

export const describeReadStore = (settings: Settings): string =>
  `SQLite ${resolve(settings.DATA_DIR, 'read-models.db')}`;
