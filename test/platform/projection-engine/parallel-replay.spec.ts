import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CAPABILITIES_MODULE, PROJECTIONS } from '../../../src/capabilities';
import { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store';
import { ParallelReplay } from '../../../src/platform/projection-engine/parallel-replay';
import type { Projection } from '../../../src/platform/projection-engine/projection';
import { ProjectionEngine } from '../../../src/platform/projection-engine/projection-engine';
import { discardStaleReplays } from '../../../src/platform/projection-engine/replay-files';
import { ReadStore } from '../../../src/platform/read-store/read-store';
import * as poisonedModule from '../../support/parallel-projections';
import { dumpReadModels } from '../../support/read-model-dump';
import { writeStory } from '../../support/story';

const POISONED_MODULE = require.resolve('../../support/parallel-projections');

describe('a full in-place rebuild replayed over worker threads, one file each', () => {
  let dir: string;
  let store: SqliteEventStore;
  const opened: ReadStore[] = [];
  const readStore = (name: string) => {
    const created = new ReadStore(join(dir, name));
    opened.push(created);
    return created;
  };
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
  const temporaryFiles = () => readdirSync(dir).filter((name) => name.includes('.replay-'));

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
    opened.forEach((reads) => reads.close());
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ends with the same rows, checkpoints and query indexes as a single-threaded replay, and no temporary file', async () => {
    expect(await store.headPosition()).toBeGreaterThanOrEqual(300);
    const merged: (readonly string[])[] = [];
    const single = await replayed('single.db', PROJECTIONS);
    const parallel = await replayed(
      'parallel.db',
      PROJECTIONS,
      new ParallelReplay({
        eventsFile: join(dir, 'events.db'),
        projectionsModule: CAPABILITIES_MODULE,
        batchSize: 50,
        onMerged: (names) => merged.push(names),
      }),
    );

    expect(merged).toEqual([['audit']]);
    expect(dumpReadModels(parallel.reads, PROJECTIONS)).toEqual(
      dumpReadModels(single.reads, PROJECTIONS),
    );
    expect(dumpReadModels(parallel.reads, PROJECTIONS).audit_log.length).toBeGreaterThan(300);
    expect(await states(parallel.engine)).toEqual(await states(single.engine));
    expect((await states(parallel.engine)).every(({ status }) => status === 'LIVE')).toBe(true);
    expect(indexes(parallel.reads)).toEqual(indexes(single.reads));
    expect(parallel.events).toBe(await store.headPosition());
    expect(temporaryFiles()).toEqual([]);
  });

  it('dead-letters a poison event replayed in a worker per its policy (FAIL stops, CONTINUE skips), as a single thread does', async () => {
    const projections = poisonedModule.PROJECTIONS;
    const merged: (readonly string[])[] = [];
    const single = await replayed('poison-single.db', projections);
    const parallel = await replayed(
      'poison-parallel.db',
      projections,
      new ParallelReplay({
        eventsFile: join(dir, 'events.db'),
        projectionsModule: POISONED_MODULE,
        batchSize: 50,
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

  it.each([3, 30])(
    'killed (kill -9) after %i pages, leaves temporary files that are discarded and read models that resume to the same rows',
    async (killAt) => {
      const file = `killed-${killAt}.db`;
      const child = spawnSync(
        process.execPath,
        [
          '-r',
          '@swc-node/register',
          join(__dirname, '../../support/parallel-rebuild-until-killed.ts'),
          join(dir, 'events.db'),
          join(dir, file),
          String(killAt),
        ],
        { encoding: 'utf8', timeout: 120_000 },
      );
      expect(child.signal).toBe('SIGKILL');

      discardStaleReplays(join(dir, file));
      expect(temporaryFiles()).toEqual([]);
      const reads = readStore(file);
      const resumed = new ProjectionEngine(store, reads, PROJECTIONS);
      await resumed.catchUp();
      const clean = new ReadStore(join(dir, 'single.db'));
      opened.push(clean);
      expect(dumpReadModels(reads, PROJECTIONS)).toEqual(dumpReadModels(clean, PROJECTIONS));
      expect((await states(resumed)).every(({ status }) => status === 'LIVE')).toBe(true);
    },
  );
});
