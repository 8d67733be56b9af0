import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings } from '../../../src/platform/config/settings';
import { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store';
import { ReadModelNotReadyError } from '../../../src/platform/projection-engine/checkpoints';
import type { Projector } from '../../../src/platform/projection-engine/projector';
import { ReadYourWritesTimeoutError } from '../../../src/platform/projection-engine/visible-position';
import { ReadSide } from '../../../src/platform/read-store/read-side';
import { ManualClock } from '../../support/app';
import { newEvents } from '../../support/events';

/**
 * Before a read model's word that something does not exist is answered as NOT_FOUND, the read
 * side waits for it to show every event recorded so far; a wait that runs out says the read models
 * are behind, not that a write of the request's was recorded (nothing was).
 */
describe('ReadSide.current', () => {
  let dir: string;
  let store: SqliteEventStore;
  const waits: { position: number; readModels?: readonly string[] }[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'read-side-'));
    store = new SqliteEventStore(join(dir, 'events.db'));
    await store.append('counter-1', newEvents(3), 'no_stream');
    waits.length = 0;
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The engine's side: serving, and reaching positions as `reach` says. */
  const readSide = (reach: (position: number) => Promise<void>) =>
    new ReadSide(
      {
        whenServing: () => Promise.resolve([]),
        waitFor: (position: number, _timeoutMs: number, readModels?: readonly string[]) => {
          waits.push({ position, readModels });
          return reach(position);
        },
      } as unknown as Projector,
      new ManualClock(),
      loadSettings({ DATA_DIR: dir }),
      store,
    );

  it('R68: waits until the named read models reach the store’s head', async () => {
    await readSide(() => Promise.resolve()).current('customers', 'gdap-relationships');
    expect(waits).toEqual([
      { position: await store.headPosition(), readModels: ['customers', 'gdap-relationships'] },
    ]);
  });

  it('R50: a wait that runs out is NOT_READY (BEHIND), with nothing said to be recorded', async () => {
    const behind = readSide((position) =>
      Promise.reject(new ReadYourWritesTimeoutError(position, 10)),
    ).current('customers');
    await expect(behind).rejects.toBeInstanceOf(ReadModelNotReadyError);
    await expect(behind).rejects.toMatchObject({
      state: 'BEHIND',
      message:
        'The customers read model is catching up with what was recorded; try again in a moment.',
    });
  });
});
