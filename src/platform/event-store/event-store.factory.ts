import { join, resolve } from 'node:path';
import type { Settings } from '../config/settings';
import { withoutCredentials } from './esdb/connection-string';
import type { EsdbLogger } from './esdb/esdb-retry';
import type { EventStore } from './event-store';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

export interface EventStoreOptions {
  /** Where EventStoreDB's client reports its retries; Nest's logger when omitted. */
  logger?: EsdbLogger;
  /** Told of each EventStoreDB call or live subscription retried (the client reconnects). */
  onReconnect?: () => void;
}

/** The embedded store's file in DATA_DIR (used unless EVENTSTORE_URL names a server). */
export const eventsFile = (settings: Pick<Settings, 'DATA_DIR'>): string =>
  join(settings.DATA_DIR, 'events.db');

/** The embedded SQLite store by default; EventStoreDB when EVENTSTORE_URL names a server. */
export function createEventStore(settings: Settings, options: EventStoreOptions = {}): EventStore {
  if (settings.EVENTSTORE_URL) return createEsdbEventStore(settings.EVENTSTORE_URL, options);
  return new SqliteEventStore(eventsFile(settings), {
    synchronous: settings.SQLITE_SYNCHRONOUS,
    lockWaitMs: settings.STORE_LOCK_WAIT_MS,
  });
}

/**
 * Loaded only when chosen: the EventStoreDB client (gRPC, protobuf) and Nest's logger take about
 * 0.2 s to load, paid at every start of the server and of its projection worker otherwise.
 */
function createEsdbEventStore(
  url: string,
  { logger = nestLogger(), onReconnect }: EventStoreOptions,
): EventStore {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { EsdbEventStore } =
    require('./esdb/esdb-event-store') as typeof import('./esdb/esdb-event-store');
  /* eslint-enable @typescript-eslint/no-require-imports */
  return new EsdbEventStore(url, {
    logger: {
      log: (message) => logger.log(message),
      // The client warns exactly when it retries a call or resubscribes.
      warn: (message) => {
        onReconnect?.();
        logger.warn(message);
      },
    },
  });
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
    : `SQLite ${resolve(eventsFile(settings))}`;
