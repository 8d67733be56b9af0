import { join } from 'node:path';
import type { Settings } from '../config/settings';
import { ReadStore } from './read-store';

export const createReadStore = (settings: Settings): ReadStore =>
  new ReadStore(join(settings.DATA_DIR, 'read-models.db'));
