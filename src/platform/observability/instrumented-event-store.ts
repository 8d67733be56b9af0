import {
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  WrongExpectedRevisionError,
} from '../event-store/event-store';
import type { Metrics } from './metrics';
import { inSpan } from './tracing';

/** The event store with its appends counted (by outcome, and events by type) and traced. */
export function instrumentEventStore(store: EventStore, metrics: Metrics): EventStore {
  const append = async (
    streamId: string,
    events: NewEvent[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> => {
    try {
      const result = await inSpan(
        `append ${streamId.split('-')[0]}`,
        {
          'ledger.stream': streamId,
          'ledger.events': events.length,
          'ledger.expected_revision': String(expectedRevision),
        },
        () => store.append(streamId, events, expectedRevision),
      );
      if (events.length > 0) {
        metrics.appends.inc({ outcome: 'ok' });
        for (const event of events) metrics.eventsAppended.inc({ type: event.type });
      }
      return result;
    } catch (error) {
      const outcome = error instanceof WrongExpectedRevisionError ? 'conflict' : 'error';
      metrics.appends.inc({ outcome });
      throw error;
    }
  };
  return {
    append,
    readStream: (streamId, options) => store.readStream(streamId, options),
    readAll: (options) => store.readAll(options),
    headPosition: () => store.headPosition(),
    onAppended: (listener) => store.onAppended(listener),
    health: () => store.health(),
    close: () => store.close(),
  };
}
