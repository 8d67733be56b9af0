import { join, resolve } from 'node:path';
import type { Settings } from '../config/settings';
import { withoutCredentials } from './esdb/connection-string';
import type { EsdbLogger } from './esdb/esdb-retry';
import type { EventStore } from './event-store';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

/**
 * The embedded SQLite store by default; EventStoreDB when EVENTSTORE_URL names a server, reporting
 * its retries to `logger` (Nest's logger when omitted).
 */
export function createEventStore(settings: Settings, logger?: EsdbLogger): EventStore {
  if (settings.EVENTSTORE_URL) return createEsdbEventStore(settings.EVENTSTORE_URL, logger);
  return new SqliteEventStore(join(settings.DATA_DIR, 'events.db'), {
    synchronous: settings.SQLITE_SYNCHRONOUS,
  });
}

/**
 * Loaded only when chosen: the EventStoreDB client (gRPC, protobuf) and Nest's logger take about
 * 0.2 s to load, paid at every start of the server and of its projection worker otherwise.
 */
function createEsdbEventStore(url: string, logger = nestLogger()): EventStore {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { EsdbEventStore } =
    require('./esdb/esdb-event-store') as typeof import('./esdb/esdb-event-store');
  /* eslint-enable @typescript-eslint/no-require-imports */
  return new EsdbEventStore(url, { logger });
}

function nestLogger(): EsdbLogger {
  /* eslint-disable-next-line @typescript-eslint/no-require-imports */
  const { Logger } = require('@nestjs/common') as typeof import('@nestjs/common');
  const logger = new Logger('EventStoreDB');
  return { log: (message) => logger.log(message), warn: (message) => logger.warn(message) };
}

/** Which event store the settings select, for people: `SQLite /data/events.db` or the server. */
export const describeEventStore = (settings: Settings): string =>
  settings.EVENTSTORE_URL
    ? `EventStoreDB at ${withoutCredentials(settings.EVENTSTORE_URL)}`
    : `SQLite ${resolve(settings.DATA_DIR, 'events.db')}`;
