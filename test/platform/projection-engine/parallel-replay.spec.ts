import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CAPABILITIES_MODULE, PROJECTIONS } from '../../../src/capabilities';
import { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store';
import {
  ParallelReplay,
  type ParallelReplayOptions,
} from '../../../src/platform/projection-engine/parallel-replay';
import { balancedGroups } from '../../../src/platform/projection-engine/parallel-replay-groups';
import type { Projection } from '../../../src/platform/projection-engine/projection';
import { ProjectionEngine } from '../../../src/platform/projection-engine/projection-engine';
import { ReadStore } from '../../../src/platform/read-store/read-store';
import * as poisonedModule from '../../support/parallel-projections';
import { dumpReadModels } from '../../support/read-model-dump';
import { writeStory } from '../../support/story';
import { scratchReadStores } from '../../support/scratch-read-stores';
import { SOURCE_LOADER } from '../../../src/platform/common/worker-file';

const POISONED_MODULE = require.resolve('../../support/parallel-projections');

describe('a full in-place rebuild replayed over worker threads, one file each', () => {
  let dir: string;
  let store: SqliteEventStore;
  const readStores = scratchReadStores(() => dir);
  const readStore = readStores.open;
  const indexes = (reads: ReadStore) =>
    reads.all(`SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name`);
  const states = async (engine: ProjectionEngine) =>
    (await engine.status()).map(({ name, status, checkpoint, error, deadLetters }) => ({
      name,
      status,
      checkpoint,
      error,
      deadLetters,
    }));
  const letters = (engine: ProjectionEngine) =>
    engine.deadLetters().map(({ failedAt: _failedAt, ...letter }) => letter);
  let singleReplay: Awaited<ReturnType<typeof replayed>> | undefined;
  const temporaryFiles = () => readdirSync(dir).filter((name) => name.includes('.replay-'));

  /** A parallel replay from this spec's store, of the capabilities' read models by default. */
  const parallelReplay = (options: Partial<ParallelReplayOptions> = {}) =>
    new ParallelReplay({
      eventsFile: join(dir, 'events.db'),
      projectionsModule: CAPABILITIES_MODULE,
      batchSize: 50,
      ...options,
    });
  const parallelEngine = (reads: ReadStore, options?: Partial<ParallelReplayOptions>) =>
    new ProjectionEngine(store, reads, PROJECTIONS, {
      batchSize: 50,
      parallelReplay: parallelReplay(options),
    });

  async function replayed(
    name: string,
    projections: readonly Projection[],
    parallel?: ParallelReplay,
  ): Promise<{ reads: ReadStore; engine: ProjectionEngine; events: number }> {
    const reads = readStore(name);
    const engine = new ProjectionEngine(store, reads, projections, {
      batchSize: 50,
      parallelReplay: parallel,
    });
    const { events } = await engine.rebuild([], { inPlace: true });
    return { reads, engine, events };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'parallel-replay-'));
    store = new SqliteEventStore(join(dir, 'events.db'));
    await writeStory(store, 100);
  });

  afterAll(async () => {
    readStores.closeAll();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const defaultWorkerGroup = balancedGroups(PROJECTIONS.map(({ name }) => name)).worker;

  it.each([
    ['the balanced default groups', undefined, [defaultWorkerGroup]],
    ['audit alone in the worker', [['audit']], [['audit']]],
    ['two workers', [['audit'], ['customers', 'users']], [['audit'], ['customers', 'users']]],
  ])(
    'ends with the same rows, checkpoints and query indexes as a single-threaded replay, and no temporary file (%s)',
    async (label, groups, expected) => {
      expect(await store.headPosition()).toBeGreaterThanOrEqual(300);
      const merged: (readonly string[])[] = [];
      const single = singleReplay ?? (singleReplay = await replayed('single.db', PROJECTIONS));
      const parallel = await replayed(
        `parallel-${label.replace(/\W+/g, '-')}.db`,
        PROJECTIONS,
        parallelReplay({
          groups,
          onMerged: (names) => merged.push(names),
        }),
      );

      expect(merged).toEqual(expected);
      expect(dumpReadModels(parallel.reads, PROJECTIONS)).toEqual(
        dumpReadModels(single.reads, PROJECTIONS),
      );
      expect(dumpReadModels(parallel.reads, PROJECTIONS).audit_log.length).toBeGreaterThan(300);
      expect(await states(parallel.engine)).toEqual(await states(single.engine));
      expect((await states(parallel.engine)).every(({ status }) => status === 'LIVE')).toBe(true);
      expect(indexes(parallel.reads)).toEqual(indexes(single.reads));
      expect(parallel.events).toBe(await store.headPosition());
      expect(temporaryFiles()).toEqual([]);
    },
  );

  it('dead-letters a poison event replayed in a worker per its policy (FAIL stops, CONTINUE skips), as a single thread does', async () => {
    const projections = poisonedModule.PROJECTIONS;
    const merged: (readonly string[])[] = [];
    const single = await replayed('poison-single.db', projections);
    const parallel = await replayed(
      'poison-parallel.db',
      projections,
      parallelReplay({
        projectionsModule: POISONED_MODULE,
        groups: [['audit', 'poisoned-FAIL', 'poisoned-CONTINUE']],
        onMerged: (names) => merged.push(names),
      }),
    );

    expect(merged).toEqual([['audit', 'poisoned-FAIL', 'poisoned-CONTINUE']]);
    expect(letters(parallel.engine)).toEqual(letters(single.engine));
    expect(letters(parallel.engine).map(({ projection }) => projection)).toEqual([
      'poisoned-CONTINUE',
      'poisoned-FAIL',
    ]);
    const statuses = await states(parallel.engine);
    expect(statuses).toEqual(await states(single.engine));
    expect(statuses.find(({ name }) => name === 'poisoned-FAIL')?.status).toBe('FAILED');
    expect(statuses.find(({ name }) => name === 'poisoned-CONTINUE')?.status).toBe('LIVE');
    expect(dumpReadModels(parallel.reads, projections)).toEqual(
      dumpReadModels(single.reads, projections),
    );
    expect(temporaryFiles()).toEqual([]);
  });

  it("leaves the calling thread's checkpoints to another thread while it replays, then gives them back", async () => {
    const reads = readStore('settings.db');
    const pragmas = () => ({
      autocheckpoint: reads.db.pragma('wal_autocheckpoint', { simple: true }),
    });
    const before = pragmas();
    const during: ReturnType<typeof pragmas>[] = [];
    const engine = parallelEngine(reads);

    await engine.rebuild([], { inPlace: true, onBatch: () => during.push(pragmas()) });

    expect(before).toEqual({ autocheckpoint: 1000 });
    expect(during.length).toBeGreaterThan(1);
    expect(during.every((now) => now.autocheckpoint === 0)).toBe(true);
    expect(pragmas()).toEqual(before);
    const single = singleReplay ?? (singleReplay = await replayed('single.db', PROJECTIONS));
    expect(dumpReadModels(reads, PROJECTIONS)).toEqual(dumpReadModels(single.reads, PROJECTIONS));
  });

  it.each([
    ['rebuild', 3],
    ['rebuild', 30],
    ['start', 3],
    ['start', 30],
  ])(
    'killed (kill -9) during a parallel %s after %i pages, leaves temporary files that the next start discards and read models that resume to the same rows',
    async (mode, killAt) => {
      const file = `killed-${mode}-${killAt}.db`;
      const child = spawnSync(
        process.execPath,
        [
          '-r',
          SOURCE_LOADER,
          join(__dirname, '../../support/parallel-rebuild-until-killed.ts'),
          join(dir, 'events.db'),
          join(dir, file),
          String(killAt),
          String(mode),
        ],
        { encoding: 'utf8', timeout: 120_000 },
      );
      expect(child.signal).toBe('SIGKILL');
      // Beside whatever the killed replay left (its worker may not have opened its file yet).
      writeFileSync(join(dir, `${file}.replay-${child.pid}-0-9`), '');

      const reads = readStore(file);
      const merged: (readonly string[])[] = [];
      const resumed = parallelEngine(reads, {
        minEvents: 0,
        onMerged: (names) => merged.push(names),
      });
      await resumed.start();
      await resumed.stop();
      // Not empty: resumed from its checkpoints in this thread, not replayed again in parallel.
      expect(merged).toEqual([]);
      expect(temporaryFiles()).toEqual([]);
      const clean = singleReplay ?? (singleReplay = await replayed('single.db', PROJECTIONS));
      expect(dumpReadModels(reads, PROJECTIONS)).toEqual(dumpReadModels(clean.reads, PROJECTIONS));
      expect((await states(resumed)).every(({ status }) => status === 'LIVE')).toBe(true);
    },
  );

  describe('a start on an empty read store', () => {
    const startOn = async (name: string, minEvents: number) => {
      const reads = readStore(name);
      const merged: (readonly string[])[] = [];
      const engine = parallelEngine(reads, {
        minEvents,
        onMerged: (names) => merged.push(names),
      });
      await engine.start();
      await engine.stop();
      return { reads, engine, merged };
    };

    it('replays in parallel when the store holds at least PROJECTION_PARALLEL_REPLAY_MIN_EVENTS, to the same rows, then follows the store', async () => {
      const head = await store.headPosition();
      const started = await startOn('start-parallel.db', head);
      const single = singleReplay ?? (singleReplay = await replayed('single.db', PROJECTIONS));

      expect(started.merged).toEqual([defaultWorkerGroup]);
      expect(dumpReadModels(started.reads, PROJECTIONS)).toEqual(
        dumpReadModels(single.reads, PROJECTIONS),
      );
      expect(await states(started.engine)).toEqual(await states(single.engine));
      expect(indexes(started.reads)).toEqual(indexes(single.reads));
      expect(temporaryFiles()).toEqual([]);
    });

    it('catches up in one thread below PROJECTION_PARALLEL_REPLAY_MIN_EVENTS, to the same rows', async () => {
      const head = await store.headPosition();
      const started = await startOn('start-single.db', head + 1);
      const single = singleReplay ?? (singleReplay = await replayed('single.db', PROJECTIONS));

      expect(started.merged).toEqual([]);
      expect(dumpReadModels(started.reads, PROJECTIONS)).toEqual(
        dumpReadModels(single.reads, PROJECTIONS),
      );
      expect(await states(started.engine)).toEqual(await states(single.engine));
    });
  });
});
