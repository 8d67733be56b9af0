import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECTIONS } from '../../../src/capabilities';
import { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store';
import { ProjectionEngine } from '../../../src/platform/projection-engine/projection-engine';
import type { ReadStore } from '../../../src/platform/read-store/read-store';
import { dumpReadModels } from '../../support/read-model-dump';
import { scratchReadStores } from '../../support/scratch-read-stores';
import { writeStory } from '../../support/story';

/**
 * A rebuild leaves the read store's WAL checkpoints to a thread of its own once it has replayed
 * enough events (as the parallel replay does), then gives them back; a small one keeps them.
 */
describe('a rebuild checkpoints its read store from another thread once it has replayed enough', () => {
  let dir: string;
  let store: SqliteEventStore;
  const readStores = scratchReadStores(() => dir);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rebuild-checkpoints-'));
    store = new SqliteEventStore(join(dir, 'events.db'));
    await writeStory(store, 3);
  });

  afterAll(async () => {
    readStores.closeAll();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const autocheckpoint = (reads: ReadStore) =>
    reads.db.pragma('wal_autocheckpoint', { simple: true }) as number;

  /** The setting seen at each batch of a rebuild of every read model, and after it. */
  async function rebuilt(name: string, checkpointElsewhereFromEvents?: number) {
    const reads = readStores.open(name);
    const engine = new ProjectionEngine(store, reads, PROJECTIONS, {
      batchSize: 5,
      checkpointElsewhereFromEvents,
    });
    const during: number[] = [];
    await engine.rebuild([], { inPlace: true, onBatch: () => during.push(autocheckpoint(reads)) });
    return { reads, during, after: autocheckpoint(reads) };
  }

  it('from the threshold on: none on this connection while it replays, the same rows, the setting back after', async () => {
    const small = await rebuilt('small.db');
    const large = await rebuilt('large.db', 0);

    expect(small.during.length).toBeGreaterThan(1);
    expect(new Set(small.during)).toEqual(new Set([1000]));
    expect(new Set(large.during)).toEqual(new Set([0]));
    expect(large.after).toBe(1000);
    expect(dumpReadModels(large.reads, PROJECTIONS)).toEqual(
      dumpReadModels(small.reads, PROJECTIONS),
    );
  });

  it('mid-way: this connection checkpoints until the replay has applied that many events, then not', async () => {
    const half = Math.floor((await store.headPosition()) / 2);
    const { during, after } = await rebuilt('half.db', half);

    const handedOver = during.indexOf(0);
    expect(handedOver).toBeGreaterThan(0);
    expect(new Set(during.slice(0, handedOver))).toEqual(new Set([1000]));
    expect(new Set(during.slice(handedOver))).toEqual(new Set([0]));
    expect(after).toBe(1000);
  });
});
