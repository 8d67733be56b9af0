import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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
/** A reader in its own thread: a read transaction held 300 ms, told through `held` once it holds. */
const HOLDING_READER = `
  const Database = require('better-sqlite3');
  const { workerData } = require('node:worker_threads');
  const db = new Database(workerData.file, { readonly: true });
  db.exec('BEGIN');
  db.prepare('SELECT COUNT(*) FROM sqlite_master').get();
  Atomics.store(workerData.held, 0, 1);
  Atomics.notify(workerData.held, 0);
  Atomics.wait(workerData.held, 0, 1, 300);
  db.exec('COMMIT');
  db.close();
`;
const POLICY_CHECKPOINTS_DDL =
  'CREATE TABLE IF NOT EXISTS policy_checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL)';

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

  it.each([
    ['in a worker', ['audit', 'poisoned-FAIL', 'poisoned-CONTINUE']],
    ['in this thread, without a journal (a page rolled back)', ['audit']],
  ])(
    'dead-letters a poison event replayed %s per its policy (FAIL stops, CONTINUE skips), as a single thread does',
    async (label, group) => {
      const projections = poisonedModule.PROJECTIONS;
      const merged: (readonly string[])[] = [];
      const single = await replayed('poison-single.db', projections);
      const parallel = await replayed(
        `poison-parallel-${group.length}.db`,
        projections,
        parallelReplay({
          projectionsModule: POISONED_MODULE,
          groups: [group],
          onMerged: (names) => merged.push(names),
        }),
      );

      expect(merged).toEqual([group]);
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
    },
  );

  it('issue 17: replays without a write-ahead log when it has the file to itself, a marker beside it meanwhile, then goes back to the log', async () => {
    const reads = readStore('unjournaled.db');
    const marker = join(dir, 'unjournaled.db.unjournaled');
    const during: { mode: unknown; marker: boolean }[] = [];
    const engine = parallelEngine(reads);

    await engine.rebuild([], {
      inPlace: true,
      onBatch: () =>
        during.push({
          mode: reads.db.pragma('journal_mode', { simple: true }),
          marker: existsSync(marker),
        }),
    });

    expect(during.length).toBeGreaterThan(1);
    expect(during.every((now) => now.mode === 'memory' && now.marker)).toBe(true);
    expect(reads.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(existsSync(marker)).toBe(false);
    const single = singleReplay ?? (singleReplay = await replayed('single.db', PROJECTIONS));
    expect(dumpReadModels(reads, PROJECTIONS)).toEqual(dumpReadModels(single.reads, PROJECTIONS));
  });

  it('issue 17: a reader holding the file for a moment makes the replay without a journal wait, not fail', async () => {
    const reads = readStore('read-meanwhile.db');
    const held = new Int32Array(new SharedArrayBuffer(4));
    let readerDone: Promise<unknown> | undefined;
    // As a command: a commit that fails gives up at once, instead of being tried again later.
    const engine = parallelEngine(reads, { giveUpAfterFailures: 1 });

    await engine.rebuild([], {
      inPlace: true,
      onBatch: () => {
        if (readerDone) return;
        const reader = new Worker(HOLDING_READER, {
          eval: true,
          workerData: { file: reads.file, held },
        });
        readerDone = once(reader, 'exit');
        Atomics.wait(held, 0, 0, 10_000);
      },
    });

    expect(Atomics.load(held, 0)).toBe(1);
    expect(await readerDone).toEqual([0]);
    const single = singleReplay ?? (singleReplay = await replayed('single.db', PROJECTIONS));
    expect(dumpReadModels(reads, PROJECTIONS)).toEqual(dumpReadModels(single.reads, PROJECTIONS));
  });

  it("with another connection on the file (the server's request thread), keeps the write-ahead log and leaves its checkpoints to another thread, then gives them back", async () => {
    const reads = readStore('shared.db');
    const other = readStore('shared.db');
    const pragmas = () => ({
      mode: reads.db.pragma('journal_mode', { simple: true }),
      autocheckpoint: reads.db.pragma('wal_autocheckpoint', { simple: true }),
    });
    const before = pragmas();
    const during: ReturnType<typeof pragmas>[] = [];
    const engine = parallelEngine(reads);

    await engine.rebuild([], { inPlace: true, onBatch: () => during.push(pragmas()) });

    expect(before).toEqual({ mode: 'wal', autocheckpoint: 1000 });
    expect(during.length).toBeGreaterThan(1);
    expect(during.every((now) => now.mode === 'wal' && now.autocheckpoint === 0)).toBe(true);
    expect(pragmas()).toEqual(before);
    expect(existsSync(join(dir, 'shared.db.unjournaled'))).toBe(false);
    const single = singleReplay ?? (singleReplay = await replayed('single.db', PROJECTIONS));
    expect(dumpReadModels(other, PROJECTIONS)).toEqual(dumpReadModels(single.reads, PROJECTIONS));
  });

  it.each([
    ['rebuild', 3],
    ['rebuild', 30],
    ['start', 3],
    ['start', 30],
  ])(
    'issue 17: killed (kill -9) during a parallel %s after %i pages, the next open deletes the file it may have torn, keeping the policies’ checkpoints, and the replay starts over to the same rows',
    async (mode, killAt) => {
      const file = `killed-${mode}-${killAt}.db`;
      // A read store a server used: the policies' checkpoint is not derived from the read models.
      const used = new ReadStore(join(dir, file));
      used.run(POLICY_CHECKPOINTS_DDL);
      used.run('INSERT INTO policy_checkpoints (name, position) VALUES (?, ?)', ['policies', 42]);
      used.close();
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
      expect(existsSync(join(dir, `${file}.unjournaled`))).toBe(true);
      // Its lock is held without a journal file: the kill leaves only the (empty) lock file.
      expect(existsSync(join(dir, `${file}.unjournaled-lock-journal`))).toBe(false);
      // Beside whatever the killed replay left (its worker may not have opened its file yet).
      writeFileSync(join(dir, `${file}.replay-${child.pid}-0-9`), '');

      const reads = readStore(file);
      expect(reads.recovered).toContain(
        `was being replayed without a journal by process ${child.pid}, whose replay stopped (its lock was free): deleted (kept policy_checkpoints)`,
      );
      expect(existsSync(join(dir, `${file}.unjournaled`))).toBe(false);
      const merged: (readonly string[])[] = [];
      const resumed = parallelEngine(reads, {
        minEvents: 0,
        onMerged: (names) => merged.push(names),
      });
      await resumed.start();
      await resumed.stop();
      // Empty again: replayed in parallel from the first event.
      expect(merged).toEqual([defaultWorkerGroup]);
      expect(temporaryFiles()).toEqual([]);
      const clean = singleReplay ?? (singleReplay = await replayed('single.db', PROJECTIONS));
      expect(dumpReadModels(reads, PROJECTIONS)).toEqual(dumpReadModels(clean.reads, PROJECTIONS));
      expect((await states(resumed)).every(({ status }) => status === 'LIVE')).toBe(true);
      expect(reads.all('SELECT name, position FROM policy_checkpoints')).toEqual([
        { name: 'policies', position: 42 },
      ]);
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
