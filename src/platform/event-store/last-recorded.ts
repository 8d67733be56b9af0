import type { DomainEvent } from '../../events';
import type { EventStore, RecordedEvent } from './event-store';
import { domainEventOf } from './unreadable-events';

/** Events as a decision that recorded them answers (`AggregateStore.decide`, `Policies.runNow`). */
export interface Recorded {
  position: number;
  eventIds: string[];
  events: DomainEvent[];
}

/**
 * The stream's last event, as its decision would have answered, when it `matches` (an event this
 * version cannot read never does): a revocation another runner recorded, answered as if here.
 */
export async function lastRecorded(
  store: EventStore,
  streamId: string,
  matches: (event: DomainEvent, recorded: RecordedEvent) => boolean,
): Promise<Recorded | undefined> {
  const [last] = await store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
  const event = last && domainEventOf(last);
  if (!event || !matches(event, last)) return undefined;
  return { position: last.position, eventIds: [last.id], events: [event] };
}
