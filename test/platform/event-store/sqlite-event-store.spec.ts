import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { WrongExpectedRevisionError } from '../../../src/platform/event-store/event-store';
import { readContent, readMetadata } from '../../../src/platform/event-store/stored-content';
import { StoreUnavailableError } from '../../../src/platform/faults/store-unavailable';
import { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store';
import { newEvent, newEvents, newStreamId } from '../../support/events';
import { eventStoreContract } from './event-store.contract';
import { SOURCE_LOADER } from '../../../src/platform/common/worker-file';

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'event-store-'));

/** A separate Node process appending `count` events one by one, retrying on conflict. */
const WRITER_PROCESS = `
const { randomUUID } = require('node:crypto');
const { SqliteEventStore } = require(process.env.STORE_MODULE);
const { WrongExpectedRevisionError } = require(process.env.PORT_MODULE);
(async () => {
  const store = new SqliteEventStore(process.env.FILE);
  const stream = process.env.STREAM;
  // Start together, so the writers really overlap.
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.START_AT) - Date.now()));
  for (let n = 0; n < Number(process.env.COUNT); n++) {
    const event = { id: randomUUID(), type: 'Wrote', data: { pid: process.pid, n }, metadata: {} };
    for (;;) {
      const [last] = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
      try {
        await store.append(stream, [event], last ? last.revision : 'no_stream');
        break;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
      }
    }
  }
  await store.close();
})().catch((error) => { console.error(error); process.exit(1); });
`;

eventStoreContract('sqlite file', () => {
  const dir = tempDir();
  const store = new SqliteEventStore(join(dir, 'events.db'));
  return Promise.resolve({
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
});

eventStoreContract('sqlite :memory:', () => {
  const store = new SqliteEventStore(':memory:', { synchronous: 'NORMAL' });
  return Promise.resolve({ store, cleanup: () => store.close() });
});

describe('SqliteEventStore', () => {
  let dir: string;
  let file: string;
  const opened: SqliteEventStore[] = [];
  const open = (options?: ConstructorParameters<typeof SqliteEventStore>[1]) => {
    const store = new SqliteEventStore(file, options);
    opened.push(store);
    return store;
  };

  beforeEach(() => {
    dir = tempDir();
    file = join(dir, 'nested', 'deeper', 'events.db');
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the missing directory and keeps events after closing and reopening', async () => {
    const stream = newStreamId();
    const written = open();
    const event = newEvent('Kept', { value: 'still here' });
    await written.append(stream, [event, ...newEvents(2)], 'no_stream');
    const head = await written.headPosition();
    await written.close();

    const reopened = open();
    const events = await reopened.readStream(stream);
    expect(events.map((e) => e.revision)).toEqual([0, 1, 2]);
    expect(events[0]).toMatchObject({ id: event.id, data: { value: 'still here' } });
    expect(await reopened.headPosition()).toBe(head);
    expect((await reopened.append(stream, newEvents(1), 2)).position).toBeGreaterThan(head);
  });

  it('defers parsing on request: stored text that is not JSON is marked malformed as a plain read marks it, never thrown', async () => {
    const store = open();
    const stream = newStreamId();
    await store.append(stream, newEvents(3), 'no_stream');
    const raw = new Database(file);
    raw.prepare(`UPDATE events SET data = '{not json' WHERE revision = 1`).run();
    raw.prepare(`UPDATE events SET metadata = 'nor this' WHERE revision IN (1, 2)`).run();
    raw.close();

    const deferred = await store.readAll({ maxCount: 10, deferContent: true });
    expect(deferred.map((event) => [event.data, event.metadata, event.stored?.data])).toEqual([
      [undefined, undefined, expect.any(String)],
      [undefined, undefined, '{not json'],
      [undefined, undefined, expect.any(String)],
    ]);
    const plain = await store.readAll({ maxCount: 10 });
    // The data's reason first, as a plain read gives it.
    expect(plain[1].malformed).not.toEqual(plain[2].malformed);
    expect(deferred.map(readContent)).toEqual(plain);
    expect(plain.map((event) => event.malformedMetadata)).toEqual([
      undefined,
      expect.stringMatching(/^stored JSON cannot be parsed/),
      expect.stringMatching(/^stored JSON cannot be parsed/),
    ]);
  });

  it('parses only the metadata on request, the data once asked for: the same event as a plain read', async () => {
    const store = open();
    await store.append(newStreamId(), newEvents(2), 'no_stream');
    const raw = new Database(file);
    raw.prepare(`UPDATE events SET data = '{not json' WHERE revision = 1`).run();
    raw.close();

    const deferred = await store.readAll({ maxCount: 10, deferContent: true });
    deferred.forEach(readMetadata);
    // Data that is not JSON is no fault of the metadata: a reader of the metadata alone reads it.
    expect(deferred.map((event) => [event.data, event.malformed, event.malformedMetadata])).toEqual(
      [
        [undefined, undefined, undefined],
        [undefined, undefined, undefined],
      ],
    );
    const plain = await store.readAll({ maxCount: 10 });
    expect(deferred.map((event) => event.metadata)).toEqual(plain.map((event) => event.metadata));
    expect(deferred.map(readContent)).toEqual(plain);
    expect(plain[1].malformed).toMatch(/^stored JSON cannot be parsed/);
  });

  it('leaves unread the data of the types dataOfTypes does not name, and says so if asked for it', async () => {
    const store = open();
    await store.append(newStreamId(), newEvents(2), 'no_stream');
    const [event] = await store.readAll({
      maxCount: 1,
      deferContent: true,
      dataOfTypes: new Set(['SomethingElse']),
    });
    expect(event.stored?.data).toBeNull();
    expect(readMetadata(event).metadata).toEqual(expect.objectContaining({ schemaVersion: 1 }));
    expect(() => readContent(event)).toThrow(/its data was not read/);
  });

  it('reports health UP while open, DOWN once closed, and then rejects calls', async () => {
    const store = open();
    expect(await store.health()).toEqual({ kind: 'sqlite', status: 'UP' });
    await store.close();
    expect(await store.health()).toMatchObject({ kind: 'sqlite', status: 'DOWN' });
    const closed = { message: expect.stringContaining('not open') };
    await expect(store.append(newStreamId(), newEvents(1), 'any')).rejects.toMatchObject(closed);
    await expect(store.readAll({ maxCount: 1 })).rejects.toMatchObject(closed);
    await expect(store.close()).resolves.toBeUndefined();
  });

  it('waits for a write lock another connection holds on a timer, then refuses UNAVAILABLE (LOCKED), and works once it is let go', async () => {
    const store = open({ lockWaitMs: 300 });
    const stream = newStreamId();
    await store.append(stream, newEvents(1), 'no_stream');
    const other = new Database(file);
    other.pragma('journal_mode = WAL');
    other.prepare('BEGIN IMMEDIATE').run();
    try {
      let ticks = 0;
      const ticking = setInterval(() => (ticks += 1), 10);
      const refused = store.append(stream, newEvents(1), 0).catch((error: unknown) => error);
      // Reads are served meanwhile (WAL readers never wait for the writer).
      expect(await store.readStream(stream)).toHaveLength(1);
      const error = await refused;
      clearInterval(ticking);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error).toMatchObject({ fault: 'LOCKED' });
      // The event loop turned while the append waited: it never blocked on the lock.
      expect(ticks).toBeGreaterThan(0);
      expect(await store.health()).toMatchObject({ status: 'DOWN', cause: 'LOCKED' });
    } finally {
      other.prepare('ROLLBACK').run();
      other.close();
    }
    expect(await store.health()).toEqual({ kind: 'sqlite', status: 'UP' });
    expect((await store.append(stream, newEvents(1), 0)).nextExpectedRevision).toBe(1);
    expect(await store.readStream(stream)).toHaveLength(2);
  });

  it('an append that waits for a lock let go in time is recorded, in order with the ones after it', async () => {
    const store = open({ lockWaitMs: 5000 });
    const stream = newStreamId();
    const other = new Database(file);
    other.pragma('journal_mode = WAL');
    other.prepare('BEGIN IMMEDIATE').run();
    const first = store.append(stream, newEvents(1), 'no_stream');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = store.append(stream, newEvents(1), 0);
    other.prepare('ROLLBACK').run();
    other.close();
    expect((await first).nextExpectedRevision).toBe(0);
    expect((await second).nextExpectedRevision).toBe(1);
  });

  it('refuses an event id that is already stored, appending nothing of the batch', async () => {
    const store = open();
    const stream = newStreamId();
    const event = newEvent('Once', {});
    await store.append(stream, [event], 'no_stream');
    // Not toThrow(): the native addon keeps the SqliteError class of the first jest realm that
    // loaded it, so in a later test file it is no `instanceof Error` of this realm.
    await expect(store.append(stream, [newEvent('Other', {}), event], 'any')).rejects.toMatchObject(
      {
        code: 'SQLITE_CONSTRAINT_UNIQUE',
      },
    );
    expect(await store.readStream(stream)).toHaveLength(1);
  });

  describe('two connections on one file (as a CLI and a server would be)', () => {
    it('lets exactly one connection win each revision', async () => {
      const [a, b] = [open(), open()];
      const stream = newStreamId();
      await a.append(stream, newEvents(1), 'no_stream');

      for (let revision = 0; revision < 5; revision++) {
        const outcomes = await Promise.allSettled(
          [a, b, a, b].map((store) => store.append(stream, newEvents(2), revision * 2)),
        );
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        for (const outcome of outcomes.filter((o) => o.status === 'rejected')) {
          expect(outcome.reason).toBeInstanceOf(WrongExpectedRevisionError);
        }
      }
      const fromA = await a.readStream(stream);
      expect(fromA.map((e) => e.revision)).toEqual(Array.from({ length: 11 }, (_, i) => i));
      expect(await b.readStream(stream)).toEqual(fromA);
    });

    it('gives retrying writers on both connections gapless revisions', async () => {
      const stores = [open(), open()];
      const stream = newStreamId();
      const writer = async (n: number): Promise<void> => {
        const store = stores[n % 2];
        for (;;) {
          const [last] = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
          try {
            await store.append(stream, newEvents(1), last ? last.revision : 'no_stream');
            return;
          } catch (error) {
            if (!(error instanceof WrongExpectedRevisionError)) throw error;
          }
        }
      };
      await Promise.all(Array.from({ length: 20 }, (_, n) => writer(n)));
      const events = await stores[1].readStream(stream);
      expect(events.map((e) => e.revision)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    });

    it('gives writers in separate processes gapless revisions', async () => {
      open(); // creates the file and its schema before the writers race
      const stream = newStreamId();
      const env = {
        ...process.env,
        FILE: file,
        STREAM: stream,
        COUNT: '100',
        START_AT: String(Date.now() + 1500),
        STORE_MODULE: resolve(
          __dirname,
          '../../../src/platform/event-store/sqlite/sqlite-event-store.ts',
        ),
        PORT_MODULE: resolve(__dirname, '../../../src/platform/event-store/event-store.ts'),
      };
      const run = promisify(execFile);
      const writers = Array.from({ length: 3 }, () =>
        run(process.execPath, ['-r', SOURCE_LOADER, '-e', WRITER_PROCESS], { env }),
      );
      await Promise.all(writers);

      const events = await open().readStream(stream);
      expect(events.map((e) => e.revision)).toEqual(Array.from({ length: 300 }, (_, i) => i));
      expect(new Set(events.map((e) => e.id)).size).toBe(300);
    });

    it("tells one connection's listeners about the other's appends", async () => {
      const server = open({ pollIntervalMs: 10 });
      const cli = open();
      const heard = new Promise<void>((resolve) => {
        const unsubscribe = server.onAppended(() => {
          unsubscribe();
          resolve();
        });
      });
      const { position } = await cli.append(newStreamId(), newEvents(1), 'no_stream');
      await heard;
      expect(await server.headPosition()).toBe(position);
    });
  });
});
