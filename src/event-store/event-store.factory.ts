import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import type { Settings } from '../config/settings';
import { EsdbEventStore } from './esdb/esdb-event-store';
import type { EventStore } from './event-store';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

/** The embedded SQLite store by default; EventStoreDB when EVENTSTORE_URL names a server. */
export function createEventStore(settings: Settings): EventStore {
  if (settings.EVENTSTORE_URL) {
    const logger = new Logger('EventStoreDB');
    return new EsdbEventStore(settings.EVENTSTORE_URL, {
      logger: { log: (message) => logger.log(message), warn: (message) => logger.warn(message) },
    });
  }
  return new SqliteEventStore(join(settings.DATA_DIR, 'events.db'), {
    synchronous: settings.SQLITE_SYNCHRONOUS,
  });
}
