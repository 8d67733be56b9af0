import { EVENT_STORE, type EventStore } from '../../src/platform/event-store/event-store';
import { PROJECTOR, type Projector } from '../../src/platform/projection-engine/projector';
import type { TestApp } from './app';

/**
 * Waits until the read models have applied every event recorded so far: for events no caller
 * wrote (the GDAP scheduler's), which read-your-writes does not wait for.
 */
export async function readModelsCaughtUp(app: TestApp, timeoutMs = 10_000): Promise<void> {
  const store = app.app.get<EventStore>(EVENT_STORE);
  await app.app.get<Projector>(PROJECTOR).waitFor(await store.headPosition(), timeoutMs);
}
