import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECTIONS } from '../../../src/capabilities';
import { customersProjection } from '../../../projections/delegated-admin/customers.projection';
import type { EventStore } from '../../../src/platform/event-store/event-store';
import { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store';
import {
  Checkpoints,
  ReadModelNotReadyError,
} from '../../../src/platform/projection-engine/checkpoints';
import type { Projection } from '../../../src/platform/projection-engine/projection';
import { ProjectionEngine } from '../../../src/platform/projection-engine/projection-engine';
import { ReadStore } from '../../../src/platform/read-store/read-store';
import { dumpReadModels } from '../../support/read-model-dump';
import { writeStory } from '../../support/story';
import { scratchReadStores } from '../../support/scratch-read-stores';
import { SOURCE_LOADER } from '../../../src/platform/common/worker-file';

describe('projection engine on real SQLite files', () => {
  let dir: string;
  let store: SqliteEventStore;
  const readStores = scratchReadStores(() => dir);

  const indexesOf = (reads: ReadStore) =>
    reads
      .all<{ name: string }>(
        `SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`,
      )
      .map((row) => row.name);

  const readStore = readStores.open;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'projections-'));
    store = new SqliteEventStore(join(dir, 'events.db'));
    await writeStory(store, 30);
  });

  afterAll(async () => {
    readStores.closeAll();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('catches up, and a rebuild gives exactly the same rows', async () => {
    const reads = readStore('twice.db');
    const engine = new ProjectionEngine(store, reads, PROJECTIONS, { batchSize: 10 });
    await engine.catchUp();
    const first = dumpReadModels(reads, PROJECTIONS);
    expect(first.customers).toHaveLength(30);
    expect(first.audit_log).toHaveLength(await store.headPosition());

    const { events } = await engine.rebuild();
    expect(events).toBe(await store.headPosition());
    expect(dumpReadModels(reads, PROJECTIONS)).toEqual(first);
    expect((await engine.status()).every((status) => status.status === 'LIVE')).toBe(true);
  });

  it('reads the checkpoints once per batch of a replay, inside its transaction', async () => {
    const reads = readStore('one-read.db');
    const engine = new ProjectionEngine(store, reads, PROJECTIONS, { batchSize: 10 });
    await engine.catchUp();
    const reading = jest.spyOn(Checkpoints.prototype, 'all');
    try {
      await engine.rebuild([], { inPlace: true });
      const batches = Math.ceil((await store.headPosition()) / 10);
      // One per batch, and a few at the start and end of the replay (nothing more to read, go live).
      expect(reading.mock.calls.length).toBeGreaterThanOrEqual(batches);
      expect(reading.mock.calls.length).toBeLessThanOrEqual(batches + 4);
    } finally {
      reading.mockRestore();
    }
    expect((await engine.status()).every((status) => status.status === 'LIVE')).toBe(true);
  });

  it('rebuilds only the named projection, leaving the others untouched', async () => {
    const reads = readStore('named.db');
    const engine = new ProjectionEngine(store, reads, PROJECTIONS);
    await engine.catchUp();
    reads.run(`UPDATE invitations SET email_subject = 'tampered'`);
    reads.run(`UPDATE customers SET customer_name = 'kept'`);
    await engine.rebuild(['invitations']);
    expect(
      reads.get('SELECT COUNT(*) AS n FROM invitations WHERE email_subject = ?', ['tampered']),
    ).toEqual({ n: 0 });
    expect(
      reads.get('SELECT COUNT(*) AS n FROM customers WHERE customer_name = ?', ['kept']),
    ).toEqual({ n: 30 });
  });

  it('a rebuild killed between batches resumes to the same rows as a clean rebuild', async () => {
    const clean = readStore('clean.db');
    await new ProjectionEngine(store, clean, PROJECTIONS).rebuild();

    const crashedFile = join(dir, 'crashed.db');
    const child = spawnSync(
      process.execPath,
      [
        '-r',
        SOURCE_LOADER,
        join(__dirname, '../../support/rebuild-until-killed.ts'),
        join(dir, 'events.db'),
        crashedFile,
        '5',
      ],
      { encoding: 'utf8' },
    );
    expect(child.signal).toBe('SIGKILL');

    const crashed = readStore('crashed.db');
    const statuses = new Map(
      crashed
        .all<{ name: string; position: number; state: string }>(
          'SELECT * FROM projection_checkpoints',
        )
        .map((row) => [row.name, row]),
    );
    expect(statuses.get('audit')).toMatchObject({ state: 'REBUILDING', position: 35 });
    expect(crashed.get('SELECT COUNT(*) AS n FROM audit_log')).toEqual({ n: 35 });
    expect(indexesOf(crashed)).not.toContain('audit_by_customer');

    const engine = new ProjectionEngine(store, crashed, PROJECTIONS);
    await engine.start();
    await engine.stop();
    expect(dumpReadModels(crashed, PROJECTIONS)).toEqual(dumpReadModels(clean, PROJECTIONS));
    expect(indexesOf(crashed)).toEqual(indexesOf(clean));
    expect((await engine.status()).every((status) => status.status === 'LIVE')).toBe(true);
  });

  it('query indexes are built once a rebuild has replayed everything, and restored on start', async () => {
    const reads = readStore('indexes.db');
    const engine = new ProjectionEngine(store, reads, PROJECTIONS, { batchSize: 10 });
    const seenDuringReplay = new Set<string>();
    await engine.rebuild([], {
      inPlace: true,
      onBatch: () => indexesOf(reads).forEach((name) => seenDuringReplay.add(name)),
    });
    const queryIndexes = PROJECTIONS.flatMap((projection) =>
      (projection.queryIndexes ?? []).map((ddl) => /INDEX IF NOT EXISTS (\w+)/.exec(ddl)?.[1]),
    );
    expect(queryIndexes).toContain('audit_by_customer');
    expect(queryIndexes.filter((name) => seenDuringReplay.has(name!))).toEqual([]);
    expect(indexesOf(reads)).toEqual(expect.arrayContaining(queryIndexes));

    reads.run('DROP INDEX audit_by_customer');
    const restarted = new ProjectionEngine(store, reads, PROJECTIONS);
    await restarted.catchUp();
    expect(indexesOf(reads)).toContain('audit_by_customer');
  });

  it('a query on a read model being rebuilt waits for the rebuild, then is refused', async () => {
    const reads = readStore('serving.db');
    const engine = new ProjectionEngine(store, reads, PROJECTIONS);
    await engine.catchUp();
    reads.run(
      `UPDATE projection_checkpoints SET state = 'REBUILDING', position = 0 WHERE name = 'customers'`,
    );
    const checkpoints = new Checkpoints(reads);
    const stalled = () => Promise.resolve();
    await expect(
      checkpoints.untilServing(['invitations', 'customers'], 50, stalled),
    ).rejects.toThrow(new ReadModelNotReadyError('customers'));
    await expect(checkpoints.untilServing(['invitations'], 50, stalled)).resolves.toEqual([]);

    await engine.whenServing(['invitations', 'customers']);
    expect(
      reads.get('SELECT state FROM projection_checkpoints WHERE name = ?', ['customers']),
    ).toEqual({ state: 'LIVE' });
  });

  it('a projection whose version changed is rebuilt from the first event (beside the live one), then switched', async () => {
    const reads = readStore('versions.db');
    await new ProjectionEngine(store, reads, PROJECTIONS).catchUp();
    reads.run('DELETE FROM customers');
    const bumped = PROJECTIONS.map((projection) =>
      projection.name === 'customers'
        ? { ...projection, version: projection.version + 1 }
        : projection,
    );
    const engine = new ProjectionEngine(store, reads, bumped);
    await engine.catchUp();
    expect(reads.get('SELECT COUNT(*) AS n FROM customers')).toEqual({ n: 30 });
    const customers = (await engine.status()).find((status) => status.name === 'customers');
    expect(customers).toMatchObject({ version: customersProjection.version + 1, status: 'LIVE' });
  });

  it('a handler failing under the FAIL policy marks only its projection FAILED; the others stay live', async () => {
    const reads = readStore('failing.db');
    const broken: Projection = {
      name: 'broken',
      version: 1,
      tables: [],
      schema: [],
      handlers: {
        RelationshipEstablished: () => {
          throw new Error('cannot project this');
        },
      },
      deadLetterPolicy: 'FAIL',
    };
    const engine = new ProjectionEngine(store, reads, [...PROJECTIONS, broken]);
    await engine.start();
    const statuses = await engine.status();
    await engine.stop();
    const [first] = await store
      .readAll({ maxCount: 200 })
      .then((events) => events.filter((event) => event.type === 'RelationshipEstablished'));
    expect(statuses.find((status) => status.name === 'broken')).toMatchObject({
      status: 'FAILED',
      error: `RelationshipEstablished at position ${first.position}: cannot project this`,
      checkpoint: first.position - 1,
      deadLetters: 1,
    });
    expect(
      statuses
        .filter((status) => status.name !== 'broken')
        .every((status) => status.status === 'LIVE'),
    ).toBe(true);
  });

  it('a failing event store read is reported and retried, never thrown', async () => {
    const reads = readStore('retry.db');
    let failuresLeft = 2;
    const flaky: EventStore = Object.create(store) as EventStore;
    flaky.readAll = (options) =>
      failuresLeft-- > 0 ? Promise.reject(new Error('store unreachable')) : store.readAll(options);
    const errors: string[] = [];
    const engine = new ProjectionEngine(flaky, reads, PROJECTIONS, {
      onError: (error) => errors.push(error.message),
    });
    await engine.catchUp();
    expect(errors).toEqual([
      'reading events failed, retrying: store unreachable',
      'reading events failed, retrying: store unreachable',
    ]);
    expect(reads.get('SELECT COUNT(*) AS n FROM customers')).toEqual({ n: 30 });
  });

  it('a batch the read store cannot commit is reported naming its file, not as a failed read, and retried', async () => {
    const reads = readStore('full.db');
    // The commit of the first page read fails, as on a full disk.
    let failNextCommit = false;
    let pagesRead = 0;
    const reading: EventStore = Object.create(store) as EventStore;
    reading.readAll = async (options) => {
      const page = await store.readAll(options);
      if (page.length > 0 && pagesRead++ === 0) failNextCommit = true;
      return page;
    };
    const commit = reads.transaction.bind(reads);
    jest.spyOn(reads, 'transaction').mockImplementation((work) => {
      if (failNextCommit) {
        failNextCommit = false;
        throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      }
      return commit(work);
    });
    const errors: string[] = [];
    const engine = new ProjectionEngine(reading, reads, PROJECTIONS, {
      onError: (error) => errors.push(error.message),
    });
    await engine.catchUp();
    expect(errors).toEqual([
      `applying events to ${reads.file} failed, retrying: database or disk is full`,
    ]);
    expect(reads.get('SELECT COUNT(*) AS n FROM customers')).toEqual({ n: 30 });
  });

  it('waitFor resolves once a new event is visible in every read model', async () => {
    const reads = readStore('wait.db');
    const engine = new ProjectionEngine(store, reads, PROJECTIONS);
    await engine.start();
    const before = await store.headPosition();
    await writeStory(store, 1);
    const head = await store.headPosition();
    await engine.waitFor(head, 5000);
    expect(reads.get<{ n: number }>('SELECT MAX(position) AS n FROM audit_log')?.n).toBe(head);
    expect(head).toBeGreaterThan(before);
    await engine.stop();
  });
});
