import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings } from '../../src/platform/config/settings';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store';
import { ProjectionThread } from '../../src/platform/projection-engine/projection-thread';
import { ReadStore } from '../../src/platform/read-store/read-store';
import { newEvent, newEvents, newStreamId } from '../support/events';
import { PROJECTIONS } from './support/faulty-projections';
import { eventually } from './support/eventually';

const FAULTY_MODULE = require.resolve('./support/faulty-projections');

describe('faults: the projection worker exits or hangs', () => {
  let dataDir: string;
  let store: SqliteEventStore;
  let reads: ReadStore;
  let thread: ProjectionThread;
  let errors: string[];

  beforeEach(async () => {
    errors = [];
    dataDir = mkdtempSync(join(tmpdir(), 'faults-worker-'));
    const settings = loadSettings({
      DATA_DIR: dataDir,
      WORKER_HEARTBEAT_TIMEOUT_MS: '1000',
      PROJECTION_BUILD_LEASE_MS: '1000',
    });
    store = new SqliteEventStore(join(dataDir, 'events.db'));
    reads = new ReadStore(join(dataDir, 'read-models.db'));
    await store.append(newStreamId(), newEvents(3), 'no_stream');
    thread = new ProjectionThread(store, reads, PROJECTIONS, FAULTY_MODULE, settings, {
      onError: (error) => errors.push(error.message),
    });
    await thread.start();
  }, 20_000);

  afterEach(async () => {
    await thread.stop();
    reads.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const tally = () => reads.get<{ n: number }>('SELECT COUNT(*) AS n FROM tally')?.n;

  it.each([
    ['WorkerExits', 'STOPPED', 'exited'],
    ['WorkerHangs', 'STALLED', 'no heartbeat'],
  ])(
    'a worker that meets %s is reported %s, replaced, and the new one applies everything',
    async (type, cause, logged) => {
      expect(thread.fault()).toBeUndefined();
      const flag = join(dataDir, `${type}.flag`);
      writeFileSync(flag, '');
      await store.append(newStreamId(), [newEvent(type, { flag })], 'no_stream');
      const seen = await eventually(() => thread.fault(), 15_000);
      expect(seen).toMatchObject({ cause });
      // Appended while the worker is down: applied by the next one.
      const after = await store.append(newStreamId(), newEvents(2), 'no_stream');
      await thread.waitFor(after.position, 15_000);
      await eventually(() => thread.fault() === undefined, 5_000, 'no fault');
      expect(tally()).toBe(6);
      expect(errors.join('\n')).toContain(logged);
    },
    30_000,
  );

  it('a worker in a long step it announced (a query index build) is not taken for hung', async () => {
    const busy = await store.append(
      newStreamId(),
      [newEvent('WorkerBusy', { ms: 3_000 })],
      'no_stream',
    );
    await thread.waitFor(busy.position, 15_000);
    expect(thread.fault()).toBeUndefined();
    expect(errors.join('\n')).not.toContain('no heartbeat');
    // The heartbeat that follows the step ends the grace: a hang after it is still seen.
    const flag = join(dataDir, 'WorkerHangs.flag');
    writeFileSync(flag, '');
    await store.append(newStreamId(), [newEvent('WorkerHangs', { flag })], 'no_stream');
    expect(await eventually(() => thread.fault(), 15_000)).toMatchObject({ cause: 'STALLED' });
  }, 40_000);

  it('a rebuild the worker dies during ends as interrupted (RebuildInterruptedError); the next worker finishes its build', async () => {
    const flag = join(dataDir, 'WorkerExits.flag');
    await store.append(newStreamId(), [newEvent('WorkerExits', { flag })], 'no_stream');
    await thread.waitFor(await store.headPosition(), 15_000);
    writeFileSync(flag, '');
    await expect(thread.rebuild(['tally'])).rejects.toMatchObject({
      name: 'RebuildInterruptedError',
      message: 'the projection worker stopped before the rebuild finished',
    });
    // The next worker takes the build over once the dead one's lock expires, and finishes it.
    const builds = () => reads.get<{ n: number }>('SELECT COUNT(*) AS n FROM projection_builds')?.n;
    await eventually(() => builds() === 0, 15_000, 'the build finished');
    expect(thread.fault()).toBeUndefined();
    expect(tally()).toBe(4);
  }, 40_000);
});
