import type { EventStore, RecordedEvent } from './event-store';

const PAGE = 50;

/**
 * The events of `streamId` recorded after global `position`, newest first: read backwards a page at
 * a time, so a long stream costs only what came after.
 */
export async function recordedAfter(
  store: EventStore,
  streamId: string,
  position: number,
): Promise<RecordedEvent[]> {
  const after: RecordedEvent[] = [];
  for (let from: number | undefined; ;) {
    const events = await store.readStream(streamId, {
      direction: 'backwards',
      maxCount: PAGE,
      ...(from === undefined ? {} : { fromRevision: from }),
    });
    for (const event of events) {
      if (event.position <= position) return after;
      after.push(event);
    }
    const oldest = events.at(-1);
    if (events.length < PAGE || !oldest || oldest.revision === 0) return after;
    from = oldest.revision - 1;
  }
}
