import type { EventStore } from '../platform/event-store/event-store';
import { domainEventOf } from '../platform/event-store/unreadable-events';
import type { FinishedRequest } from '../platform/write/aggregate-store';
import type { GdapStreamEvent } from './domain/events';
import { askedFor } from './domain/asked-for';

/** Events read per page while looking back for the requests that asked for scheduled steps. */
const PAGE = 256;

/**
 * R69: for each of `steps` (decided by the scheduler on `streamId` at `revision`), the newest event
 * at or before `revision` that asked for it (askedFor), with its request's correlation id;
 * undefined for a step no request asked for. It reads back only until every step's request is
 * found, usually the stream's last few events.
 */
export async function requestsFinishedBy(
  store: EventStore,
  streamId: string,
  revision: number,
  steps: readonly GdapStreamEvent[],
): Promise<(FinishedRequest | undefined)[]> {
  const found: (FinishedRequest | undefined)[] = steps.map(() => undefined);
  const looking = new Map<number, (earlier: GdapStreamEvent) => boolean>();
  steps.forEach((step, index) => {
    const askedBy = askedFor(step);
    if (askedBy) looking.set(index, askedBy);
  });
  let from = revision;
  while (looking.size > 0 && from >= 0) {
    const page = await store.readStream(streamId, {
      direction: 'backwards',
      fromRevision: from,
      maxCount: PAGE,
    });
    for (const recorded of page) {
      const earlier = domainEventOf(recorded) as GdapStreamEvent | undefined;
      if (!earlier) continue;
      for (const [index, askedBy] of looking) {
        if (!askedBy(earlier)) continue;
        found[index] = { eventId: recorded.id, correlationId: recorded.metadata.correlationId };
        looking.delete(index);
      }
    }
    if (page.length < PAGE) break;
    from = page[page.length - 1].revision - 1;
  }
  return found;
}
