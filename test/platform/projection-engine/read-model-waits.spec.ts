import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECTIONS } from '../../../src/capabilities';
import { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store';
import { Checkpoints } from '../../../src/platform/projection-engine/checkpoints';
import { ProjectionEngine } from '../../../src/platform/projection-engine/projection-engine';
import { ReadStore } from '../../../src/platform/read-store/read-store';
import { writeStory } from '../../support/story';

/** Read-your-writes per read model: a wait names the read models it reads and waits for those. */
describe('waiting for named read models (real SQLite files)', () => {
  let dir: string;
  let store: SqliteEventStore;
  let reads: ReadStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'read-model-waits-'));
    store = new SqliteEventStore(join(dir, 'events.db'));
    await writeStory(store, 60);
    reads = new ReadStore(join(dir, 'read-models.db'));
  });

  afterAll(async () => {
    reads.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a read model being rebuilt holds back neither the live ones nor a wait that names only them', async () => {
    const engine = new ProjectionEngine(store, reads, PROJECTIONS, { batchSize: 10 });
    await engine.catchUp();
    await writeStory(store, 1, 1, 1000);
    const position = await store.headPosition();
    const checkpoints = new Checkpoints(reads);

    const rebuilding = engine.rebuild(['audit'], { inPlace: true });
    await engine.waitFor(position, 10_000, ['customers', 'invitations']);
    // The live read models show the new customer while the audit log is still far behind.
    expect(checkpoints.get('customers')!.position).toBe(position);
    expect(
      reads.get(`SELECT customer_name FROM customers WHERE customer_tenant_id = 'customer-1000'`),
    ).toEqual({ customer_name: 'Customer 1000' });
    expect(checkpoints.get('audit')).toMatchObject({ state: 'REBUILDING' });
    expect(checkpoints.get('audit')!.position).toBeLessThan(position / 2);

    // A wait that names the audit log (or none: every working read model) waits for it.
    await engine.waitFor(position, 10_000, ['audit']);
    expect(checkpoints.get('audit')!.position).toBeGreaterThanOrEqual(position);
    await engine.waitFor(position, 10_000);
    await rebuilding;
    expect(checkpoints.get('audit')).toMatchObject({ state: 'LIVE', position });
  });

  it('a wait for a position no read model has reached yet times out naming it', async () => {
    const engine = new ProjectionEngine(store, reads, PROJECTIONS);
    await engine.catchUp();
    const beyond = (await store.headPosition()) + 1;
    await expect(engine.waitFor(beyond, 50, ['customers'])).rejects.toThrow(
      `did not reach position ${beyond}`,
    );
  });
});
