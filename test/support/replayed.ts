import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schemaVersionOf, type EventType } from '../../src/events';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store';
import type { Projection } from '../../src/platform/projection-engine/projection';
import { ProjectionEngine } from '../../src/platform/projection-engine/projection-engine';
import { ReadStore } from '../../src/platform/read-store/read-store';
import { newEvent, newMetadata } from './events';

/** One generated event: its stream, type, data and when it occurred. */
export interface HistoryEvent {
  streamId: string;
  type: EventType;
  data: Record<string, unknown>;
  occurredAt: string;
}

/**
 * Read stores that the real engine builds from generated histories (appended to a SQLite event
 * store, then caught up), each in its own files of one temp dir that the suite removes. Call at a
 * describe's top level: it registers the suite's beforeAll and afterAll.
 */
export function replayedReadStores(
  prefix: string,
  projections: Projection[],
): (name: string, history: HistoryEvent[]) => Promise<ReadStore> {
  let dir: string;
  const opened: ReadStore[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  });
  afterAll(() => {
    opened.forEach((reads) => reads.close());
    rmSync(dir, { recursive: true, force: true });
  });
  return async (name, history) => {
    const store = new SqliteEventStore(join(dir, `${name}-events.db`));
    for (const { streamId, type, data, occurredAt } of history) {
      const metadata = newMetadata({ occurredAt, schemaVersion: schemaVersionOf(type) });
      await store.append(streamId, [newEvent(type, data, { metadata })], 'any');
    }
    const reads = new ReadStore(join(dir, `${name}-reads.db`));
    opened.push(reads);
    await new ProjectionEngine(store, reads, projections).catchUp();
    await store.close();
    return reads;
  };
}
