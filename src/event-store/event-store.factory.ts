import { join } from 'node:path';
import type { Settings } from '../config/settings';
import type { EventStore } from './event-store';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

/** The embedded SQLite store by default; EventStoreDB when EVENTSTORE_URL names a server. */
export function createEventStore(settings: Settings): EventStore {
  if (settings.EVENTSTORE_URL) {
    throw new Error(
      'EVENTSTORE_URL is set, but this build has no EventStoreDB adapter yet; unset it to use the embedded store.',
    );
  }
  return new SqliteEventStore(join(settings.DATA_DIR, 'events.db'), {
    synchronous: settings.SQLITE_SYNCHRONOUS,
  });
}
