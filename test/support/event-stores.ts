import { join } from 'node:path';
import { EsdbEventStore } from '../../src/platform/event-store/esdb/esdb-event-store';
import type { EventStore } from '../../src/platform/event-store/event-store';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store';
import { EsdbDouble } from './esdb-double/esdb-double';

export interface OpenedStore {
  store: EventStore;
  close(): Promise<void>;
}

/**
 * Both event stores the product runs on, for `describe.each`: the embedded SQLite file in `dir`,
 * and the EventStoreDB adapter against the gRPC double (its own server, stopped by `close`).
 */
export const EVENT_STORES: [string, (dir: string) => Promise<OpenedStore>][] = [
  [
    'SQLite',
    (dir) => {
      const store = new SqliteEventStore(join(dir, 'events.db'));
      return Promise.resolve({ store, close: () => store.close() });
    },
  ],
  [
    'EventStoreDB (the gRPC double)',
    async () => {
      const double = await EsdbDouble.start();
      const store = new EsdbEventStore(double.url, {
        logger: { log: () => undefined, warn: () => undefined },
      });
      return {
        store,
        close: async () => {
          await store.close();
          await double.stop();
        },
      };
    },
  ],
];
