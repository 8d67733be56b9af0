import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECTIONS } from '../../../src/capabilities';
import { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store';
import { ReadModelNotReadyError } from '../../../src/platform/projection-engine/checkpoints';
import type {
  DeadLetterPolicy,
  Projection,
} from '../../../src/platform/projection-engine/projection';
import { Builds } from '../../../src/platform/projection-engine/builds';
import { ProjectionEngine } from '../../../src/platform/projection-engine/projection-engine';
import { ReadStore } from '../../../src/platform/read-store/read-store';
import { dumpReadModels } from '../../support/read-model-dump';
import { writeStory } from '../../support/story';
import { scratchReadStores } from '../../support/scratch-read-stores';

/** Counts RelationshipEstablished events; throws on the customer named in `poisoned` while set. */
const counting = (policy: DeadLetterPolicy, poisoned: { customer?: string }): Projection => ({
  name: `counting-${policy}`,
  version: 1,
  tables: [`counted_${policy}`],
  schema: [`CREATE TABLE IF NOT EXISTS counted_${policy} (position INTEGER PRIMARY KEY)`],
  handlers: {
    RelationshipEstablished: (event, db) => {
      if (event.data.customerTenantId === poisoned.customer) throw new Error('cannot count this');
      db.run(`INSERT OR IGNORE INTO counted_${policy} (position) VALUES (?)`, [event.position]);
    },
  },
  deadLetterPolicy: policy,
});

describe('dead letters: no stored event stops the projections', () => {
  let dir: string;
  let store: SqliteEventStore;
  const readStores = scratchReadStores(() => dir);
  const readStore = readStores.open;
  const countOf = (reads: ReadStore, table: string) =>
    reads.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`)?.n;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dead-letters-'));
    store = new SqliteEventStore(join(dir, 'events.db'));
    await writeStory(store, 5);
  });

  afterEach(async () => {
    readStores.closeAll();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a poison event is retried, dead-lettered, skipped (CONTINUE) while the other projections keep up; retry after a fix applies it', async () => {
    const poisoned: { customer?: string } = { customer: 'customer-6' };
    const reads = readStore('continue.db');
    const errors: string[] = [];
    const engine = new ProjectionEngine(
      store,
      reads,
      [...PROJECTIONS, counting('CONTINUE', poisoned)],
      { onError: (error) => errors.push(error.message) },
    );
    await engine.start();
    await writeStory(store, 2, 3, 5);
    await engine.catchUp();

    const statuses = await engine.status();
    expect(statuses.filter((status) => status.status !== 'LIVE')).toEqual([]);
    expect(statuses.find((status) => status.name === 'counting-CONTINUE')).toMatchObject({
      deadLetters: 1,
    });
    const [letter, ...others] = engine.deadLetters();
    expect(others).toEqual([]);
    expect(letter).toMatchObject({
      projection: 'counting-CONTINUE',
      type: 'RelationshipEstablished',
      error: 'cannot count this',
      attempts: 3,
    });
    expect(errors).toEqual([
      `projection counting-CONTINUE dead-lettered RelationshipEstablished at position ${letter.position}: cannot count this`,
    ]);
    expect(countOf(reads, 'counted_CONTINUE')).toBe(6);
    expect(countOf(reads, 'customers')).toBe(7);

    poisoned.customer = undefined;
    // It went on past the letter: rebuilt, the letter in its place.
    expect(await engine.retryDeadLetters()).toEqual({
      retried: 1,
      applied: 1,
      rebuilt: ['counting-CONTINUE'],
      remaining: [],
    });
    expect(countOf(reads, 'counted_CONTINUE')).toBe(7);
    await engine.stop();
  });

  it('retry after a fix of a CONTINUE projection that applied later events rebuilds it, so the letter lands in order: the rows of a clean run', async () => {
    /** Each customer's latest event: order matters, as the Customers page's DAP status does. */
    const latest = (poisoned: { position?: number }): Projection => ({
      name: 'latest-CONTINUE',
      version: 1,
      tables: ['latest_event'],
      schema: [
        'CREATE TABLE IF NOT EXISTS latest_event (customer TEXT PRIMARY KEY, position INTEGER NOT NULL)',
      ],
      handlers: {},
      everyEvent(event, db) {
        if (event.position === poisoned.position) throw new Error('cannot read this yet');
        const customer = (event.data as { customerTenantId?: unknown } | null)?.customerTenantId;
        if (typeof customer !== 'string') return;
        db.run('INSERT OR REPLACE INTO latest_event (customer, position) VALUES (?, ?)', [
          customer,
          event.position,
        ]);
      },
      deadLetterPolicy: 'CONTINUE',
    });
    const events = await store.readAll({ after: 0, maxCount: 10_000 });
    const customerOf = (event: (typeof events)[number]) =>
      (event.data as { customerTenantId?: unknown } | null)?.customerTenantId;
    const early = events.find((event, index) =>
      events
        .slice(index + 1)
        .some((later) => customerOf(later) === customerOf(event) && customerOf(event)),
    )!;
    const poisoned: { position?: number } = { position: early.position };
    const reads = readStore('in-order.db');
    const engine = new ProjectionEngine(store, reads, [...PROJECTIONS, latest(poisoned)]);
    await engine.start();
    expect(engine.deadLetters(['latest-CONTINUE'])).toMatchObject([{ position: early.position }]);

    poisoned.position = undefined;
    expect(await engine.retryDeadLetters(['latest-CONTINUE'])).toMatchObject({ remaining: [] });
    await engine.stop();
    const clean = readStore('in-order-clean.db');
    await new ProjectionEngine(store, clean, [latest({})]).catchUp();
    expect(dumpReadModels(reads, [latest({})])).toEqual(dumpReadModels(clean, [latest({})]));
  });

  it('a retry whose catch-up sets new events aside counts them as dead, never as applied (a negative count)', async () => {
    const reads = readStore('retry-new-letters.db');
    const engine = new ProjectionEngine(store, reads, [
      counting('CONTINUE', { customer: 'customer-1' }),
    ]);
    expect(await engine.retryDeadLetters()).toMatchObject({
      retried: 0,
      applied: 0,
      remaining: [{ projection: 'counting-CONTINUE' }],
    });
  });

  it('a poison event stops a FAIL projection before it: NOT_READY for its queries, retry after a fix resumes it to the rows of a clean run', async () => {
    const poisoned: { customer?: string } = { customer: 'customer-5' };
    const reads = readStore('fail.db');
    const engine = new ProjectionEngine(store, reads, [...PROJECTIONS, counting('FAIL', poisoned)]);
    await engine.start();
    await writeStory(store, 2, 3, 5);
    await engine.catchUp();

    const failed = (await engine.status()).find((status) => status.name === 'counting-FAIL');
    const [letter] = engine.deadLetters(['counting-FAIL']);
    expect(failed).toMatchObject({
      status: 'FAILED',
      checkpoint: letter.position - 1,
      deadLetters: 1,
      error: `RelationshipEstablished at position ${letter.position}: cannot count this`,
    });
    await expect(engine.whenServing(['counting-FAIL'], 50)).rejects.toThrow(
      new ReadModelNotReadyError('counting-FAIL', 'FAILED'),
    );
    await expect(engine.whenServing(['customers'], 50)).resolves.toEqual([]);
    expect(await engine.retryDeadLetters(['customers'])).toEqual({
      retried: 0,
      applied: 0,
      rebuilt: [],
      remaining: [],
    });

    const stillBroken = await engine.retryDeadLetters(['counting-FAIL']);
    expect(stillBroken).toMatchObject({
      retried: 1,
      applied: 0,
      remaining: [{ position: letter.position }],
    });
    poisoned.customer = undefined;
    expect(await engine.retryDeadLetters(['counting-FAIL'])).toEqual({
      retried: 1,
      applied: 1,
      rebuilt: [],
      remaining: [],
    });
    await engine.whenServing(['counting-FAIL'], 1000);
    expect(countOf(reads, 'counted_FAIL')).toBe(7);
    expect((await engine.status()).every((status) => status.status === 'LIVE')).toBe(true);
    await engine.stop();

    const clean = readStore('clean.db');
    await new ProjectionEngine(store, clean, PROJECTIONS).catchUp();
    expect(dumpReadModels(reads, PROJECTIONS)).toEqual(dumpReadModels(clean, PROJECTIONS));
  });

  it('an event stored as malformed JSON is dead-lettered: audit stops (FAIL), the others keep going, and the start completes', async () => {
    const head = await store.headPosition();
    const raw = new Database(join(dir, 'events.db'));
    raw
      .prepare(
        `INSERT INTO events (id, stream_id, revision, type, data, metadata, created)
         SELECT 'poison', stream_id, revision + 1000, 'RelationshipEstablished', '{not json', metadata, created
         FROM events WHERE position = ?`,
      )
      .run(head);
    raw.close();
    await writeStory(store, 1, 3, 5);

    const reads = readStore('malformed.db');
    const engine = new ProjectionEngine(store, reads, PROJECTIONS);
    await engine.start();
    const statuses = new Map((await engine.status()).map((status) => [status.name, status]));
    await engine.stop();

    expect(statuses.get('audit')).toMatchObject({
      status: 'FAILED',
      checkpoint: head,
      deadLetters: 1,
    });
    expect(statuses.get('audit')?.error).toMatch(/stored JSON cannot be parsed/);
    expect(statuses.get('customers')).toMatchObject({ status: 'LIVE', deadLetters: 1, lag: 0 });
    expect(statuses.get('invitations')).toMatchObject({ status: 'LIVE', deadLetters: 0, lag: 0 });
    expect(countOf(reads, 'customers')).toBe(6);
    const letters = engine.deadLetters();
    expect(letters.every((letter) => letter.eventId === 'poison')).toBe(true);
    expect(letters.map((letter) => letter.projection)).toEqual(
      expect.arrayContaining(['audit', 'customers']),
    );
  });

  it('letters are listed by a build under way, or by a name that holds some; an unknown name or build throws', async () => {
    const reads = readStore('names.db');
    const engine = new ProjectionEngine(store, reads, PROJECTIONS);
    await engine.start();
    new Builds(reads, 'another-process', 60_000).insert('customers', 99, '__v99_abc', true);

    expect(engine.deadLetters(['customers__v99_abc'])).toEqual([]);
    expect(() => engine.deadLetters(['customers__v98_abc'])).toThrow(
      /No build named "customers__v98_abc"/,
    );
    expect(() => engine.deadLetters(['audit__v1'])).toThrow(/No build named "audit__v1"/);
    expect(() => engine.deadLetters(['nobody'])).toThrow(/Unknown projection "nobody"/);
  });
});
