import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { referencedEvents } from '../../src/audit/referenced-events';
import type { EventStore, RecordedEvent } from '../../src/platform/event-store/event-store';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store';
import { writeStory } from '../support/story';

/** Counts the reads each path makes, so the batching shows. */
function counting(store: EventStore) {
  const reads = { all: 0, stream: 0 };
  const counted: EventStore = Object.assign(Object.create(store) as EventStore, {
    readAll: (options: Parameters<EventStore['readAll']>[0]) => {
      reads.all += 1;
      return store.readAll(options);
    },
    readStream: (...args: Parameters<EventStore['readStream']>) => {
      reads.stream += 1;
      return store.readStream(...args);
    },
  });
  return { counted, reads };
}

const refOf = (event: RecordedEvent) => ({
  position: event.position,
  stream_id: event.streamId,
  revision: event.revision,
});

describe('audit entries read their events back from the event store (R41)', () => {
  let dir: string;
  let store: SqliteEventStore;
  let events: RecordedEvent[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'referenced-events-'));
    store = new SqliteEventStore(join(dir, 'events.db'));
    await writeStory(store, 30);
    events = await store.readAll({ maxCount: 10_000 });
  });

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('R41: a page of neighbouring entries is one read of the log', async () => {
    const page = events.slice(10, 60);
    const { counted, reads } = counting(store);
    const found = await referencedEvents(counted, page.map(refOf));
    expect([...found.values()]).toEqual(page);
    expect(reads).toEqual({ all: 1, stream: 0 });
  });

  it('R41: scattered entries are read stream by stream, each run of revisions at once', async () => {
    const stream = events[0].streamId;
    const scattered = events.filter(
      (event, index) => event.streamId === stream || index % 17 === 0,
    );
    const { counted, reads } = counting(store);
    const found = await referencedEvents(counted, scattered.map(refOf));
    expect([...found.keys()].sort((a, b) => a - b)).toEqual(scattered.map((e) => e.position));
    expect(found.get(events[0].position)).toEqual(events[0]);
    expect(reads.all).toBe(0);
    expect(reads.stream).toBe(new Set(scattered.map((event) => event.streamId)).size);
  });

  it('R41: an entry naming another event than the one at its position finds none', async () => {
    const [first, second] = events;
    const found = await referencedEvents(store, [
      refOf(first),
      { ...refOf(second), revision: second.revision + 5 },
      { position: events.length + 100, stream_id: first.streamId, revision: 99 },
    ]);
    expect([...found.keys()]).toEqual([first.position]);
  });
});
