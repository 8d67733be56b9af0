import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CAPABILITIES_MODULE, PROJECTIONS } from '../../../src/capabilities';
import { loadSettings } from '../../../src/platform/config/settings';
import type { RecordedEvent } from '../../../src/platform/event-store/event-store';
import { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store';
import { ProjectionEngine } from '../../../src/platform/projection-engine/projection-engine';
import { ProjectionThread } from '../../../src/platform/projection-engine/projection-thread';
import { ReadStore } from '../../../src/platform/read-store/read-store';
import { dumpReadModels } from '../../support/read-model-dump';
import { writeStory } from '../../support/story';

describe('projections in a worker thread (ProjectionThread)', () => {
  let dataDir: string;
  let store: SqliteEventStore;
  let reads: ReadStore;
  let thread: ProjectionThread;
  let errors: string[];

  beforeEach(async () => {
    errors = [];
    dataDir = mkdtempSync(join(tmpdir(), 'projection-thread-'));
    const settings = loadSettings({ DATA_DIR: dataDir });
    store = new SqliteEventStore(join(dataDir, 'events.db'));
    reads = new ReadStore(join(dataDir, 'read-models.db'));
    await writeStory(store, 5);
    thread = new ProjectionThread(store, reads, PROJECTIONS, CAPABILITIES_MODULE, settings, {
      onError: (error) => errors.push(error.message),
    });
  });

  afterEach(async () => {
    await thread.stop();
    reads.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('catches up on start and serves what this thread appends, read-your-writes', async () => {
    await thread.start();
    expect(reads.get('SELECT COUNT(*) AS n FROM customers')).toEqual({ n: 5 });

    await writeStory(store, 1, 3, 5);
    const head = await store.headPosition();
    await thread.waitFor(head, 5000);
    expect(reads.get('SELECT COUNT(*) AS n FROM customers')).toEqual({ n: 6 });
    expect(reads.get<{ n: number }>('SELECT MAX(position) AS n FROM audit_log')?.n).toBe(head);
    expect((await thread.status()).every((status) => status.status === 'LIVE')).toBe(true);
    expect(errors).toEqual([]);
  });

  it('hands every applied event to live listeners, in order, once', async () => {
    const seen: RecordedEvent[] = [];
    thread.onApplied((events) => seen.push(...events));
    await thread.start();
    const before = await store.headPosition();
    await writeStory(store, 2, 3, 5);
    const head = await store.headPosition();
    await thread.waitFor(head, 5000);
    const live = seen.filter((event) => event.position > before);
    expect(live.map((event) => event.position)).toEqual(
      (await store.readAll({ after: before, maxCount: 1000 })).map((event) => event.position),
    );
  });

  it('rebuilds in the worker to the same rows as the engine in this thread', async () => {
    await thread.start();
    const inThisThread = new ReadStore(join(dataDir, 'engine.db'));
    await new ProjectionEngine(store, inThisThread, PROJECTIONS).rebuild();

    const { events } = await thread.rebuild();
    expect(events).toBe(await store.headPosition());
    expect(dumpReadModels(reads, PROJECTIONS)).toEqual(dumpReadModels(inThisThread, PROJECTIONS));
    inThisThread.close();
  });

  it('a worker that dies is restarted and carries on from its checkpoints', async () => {
    await thread.start();
    // The private handle is the only way to kill the thread from outside, as a crash would.
    await thread['worker']?.terminate();
    await writeStory(store, 1, 3, 5);
    await thread.waitFor(await store.headPosition(), 5000);
    expect(reads.get('SELECT COUNT(*) AS n FROM customers')).toEqual({ n: 6 });
    expect(errors).toEqual([expect.stringMatching(/projection worker exited .* restarting/)]);
  });

  it('a rebuild another process left half-done is finished before a query is served', async () => {
    await thread.start();
    reads.run(
      `UPDATE projection_checkpoints SET state = 'REBUILDING', position = 0 WHERE name = 'customers'`,
    );
    await thread.whenServing(['customers']);
    expect((await thread.status()).find((status) => status.name === 'customers')).toMatchObject({
      status: 'LIVE',
      lag: 0,
    });
  });

  it('a rebuild of an unknown projection fails with the engine’s message', async () => {
    await thread.start();
    await expect(thread.rebuild(['nope'])).rejects.toThrow('Unknown projection "nope"');
  });
});
