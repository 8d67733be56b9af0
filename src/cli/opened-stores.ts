import type { Settings } from '../platform/config/settings';
import { describeEventStore } from '../platform/event-store/event-store.factory';
import { describeReadStore } from '../platform/read-store/read-store.factory';

/** Says on stderr which stores a command opened, so it is plain which data it worked on. */
export function reportOpenedStores(settings: Settings, readModels = true): void {
  const stores = [`event store: ${describeEventStore(settings)}`];
  if (readModels) stores.push(`read models: ${describeReadStore(settings)}`);
  console.error(`partner-ledger: ${stores.join('; ')}`);
}
