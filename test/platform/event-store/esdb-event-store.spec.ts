import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECTIONS } from '../../../src/capabilities';
import {
  EsdbEventStore,
  EventStoreUnavailableError,
  type EsdbEventStoreOptions,
  type EsdbLogger,
} from '../../../src/platform/event-store/esdb/esdb-event-store';
import {
  WrongExpectedRevisionError,
  type EventStore,
  type RecordedEvent,
} from '../../../src/platform/event-store/event-store';
import type { Projection } from '../../../src/platform/projection-engine/projection';
import { ProjectionEngine } from '../../../src/platform/projection-engine/projection-engine';
import { ReadStore } from '../../../src/platform/read-store/read-store';
import { EsdbDouble, type EsdbDoubleOptions } from '../../support/esdb-double/esdb-double';
import { newEvent, newEvents, newMetadata, newStreamId } from '../../support/events';
import { eventStoreContract, type MakeEventStore } from './event-store.contract';

/** A logger that keeps what the adapter reports, so tests can see its retries. */
function recordingLogger(): EsdbLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (line) => lines.push(line), warn: (line) => lines.push(line) };
}

function onDouble(options: EsdbDoubleOptions): MakeEventStore {
  return async () => {
    const double = await EsdbDouble.start(options);
    const store = new EsdbEventStore(double.url, { logger: recordingLogger() });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await double.stop();
      },
    };
  };
}

// The double writes a system event after every third append, as a real node's own subsystems
// do, so paging, the head and the live subscription must skip them.
eventStoreContract('EventStoreDB double, Append', onDouble({ systemEventEvery: 3 }));
eventStoreContract(
  'EventStoreDB double, BatchAppend',
  onDouble({ batchAppend: true, systemEventEvery: 3 }),
);

const realServer = process.env.EVENTSTORE_TEST_URL;
if (realServer) {
  eventStoreContract(`EventStoreDB at ${realServer}`, () => {
    const store = new EsdbEventStore(realServer, { logger: recordingLogger() });
    return Promise.resolve({ store, cleanup: () => store.close() });
  });
} else {
  const reason =
    'Skipping the event store contract against a real EventStoreDB: set EVENTSTORE_TEST_URL (e.g. esdb://localhost:2113?tls=false) to run it.';
  console.log(reason);
  describe.skip(`event store contract: a real EventStoreDB (${reason})`, () => {
    it('needs EVENTSTORE_TEST_URL', () => undefined);
  });
}

/** Polls `probe` until `accept` holds; fails with the last value after `timeoutMs`. */
async function eventually<T>(
  probe: () => T | Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`Still not there after ${timeoutMs} ms: ${JSON.stringify(value)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('EsdbEventStore', () => {
  const doubles: EsdbDouble[] = [];
  const stores: EventStore[] = [];
  const startDouble = async (options: EsdbDoubleOptions = {}) => {
    const double = await EsdbDouble.start(options);
    doubles.push(double);
    return double;
  };
  const connect = (url: string, options: EsdbEventStoreOptions = {}) => {
    const store = new EsdbEventStore(url, { logger: recordingLogger(), ...options });
    stores.push(store);
    return store;
  };

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await Promise.all(doubles.splice(0).map((double) => double.stop()));
  });

  describe('on the wire', () => {
    it('appends through BatchAppend when the server advertises it, else through Append', async () => {
      const plain = await startDouble();
      const batching = await startDouble({ batchAppend: true });
      await connect(plain.url).append(newStreamId(), newEvents(2), 'no_stream');
      await connect(batching.url).append(newStreamId(), newEvents(2), 'no_stream');
      expect(plain.calls).toMatchObject({ append: 1, batchAppend: 0 });
      expect(batching.calls).toMatchObject({ append: 0, batchAppend: 1 });
    });

    it("stores JSON with EventStoreDB's $correlationId and $causationId metadata", async () => {
      const double = await startDouble();
      const stream = newStreamId('relationship');
      const metadata = newMetadata({ correlationId: 'corr-7', causationId: 'cause-7' });
      const event = newEvent('RelationshipRequested', { partner: 'contoso' }, { metadata });
      await connect(double.url).append(stream, [event], 'no_stream');

      const [stored] = double.log.stream(stream) ?? [];
      expect(stored).toMatchObject({ id: event.id, type: event.type });
      expect(stored.contentType).toBe('application/json');
      expect(JSON.parse(Buffer.from(stored.data).toString())).toEqual({ partner: 'contoso' });
      expect(JSON.parse(Buffer.from(stored.customMetadata).toString())).toEqual({
        $correlationId: 'corr-7',
        $causationId: 'cause-7',
        actor: metadata.actor,
        occurredAt: metadata.occurredAt,
        schemaVersion: metadata.schemaVersion,
      });
    });

    it('maps a wrong expected version sent as trailers (servers before 20.6.1)', async () => {
      const double = await startDouble({ wrongExpectedVersionAs: 'trailers' });
      const store = connect(double.url);
      const stream = newStreamId();
      await store.append(stream, newEvents(2), 'no_stream');

      const conflict = await store.append(stream, newEvents(1), 0).catch((error: unknown) => error);
      expect(conflict).toBeInstanceOf(WrongExpectedRevisionError);
      expect(conflict).toMatchObject({ streamId: stream, expected: 0, actual: 1 });
      const missing = newStreamId();
      await expect(store.append(missing, newEvents(1), 'stream_exists')).rejects.toMatchObject({
        streamId: missing,
        actual: 'no_stream',
      });
    });

    it('refuses a connection string that is not one, naming the problem', () => {
      expect(() => connect('postgres://somewhere:5432')).toThrow(
        /EVENTSTORE_URL "postgres:\/\/somewhere:5432" is not an EventStoreDB connection string/,
      );
    });

    it('finds the leader through gossip with an esdb+discover:// connection string', async () => {
      const leader = await startDouble();
      const follower = await startDouble({ log: leader.log });
      follower.follow(leader);
      const store = connect(`esdb+discover://127.0.0.1:${follower.port}?tls=false`);
      const stream = newStreamId();
      await store.append(stream, newEvents(2), 'no_stream');
      expect(await store.readStream(stream)).toHaveLength(2);
      expect(leader.calls.append).toBe(1);
      expect(follower.calls).toMatchObject({ append: 0, read: 0 });
    });
  });

  describe('events stored in a shape this product cannot read', () => {
    it('come back marked malformed from stream and $all reads, never thrown', async () => {
      const double = await startDouble();
      const store = connect(double.url);
      const stream = newStreamId();
      await store.append(stream, newEvents(3), 'no_stream');
      // Another writer (or a hand edit) left bytes the client cannot parse as our events.
      const [badData, badMetadata, binary] = double.log.stream(stream) ?? [];
      (badData as { data: Uint8Array }).data = Buffer.from('{not json');
      (badMetadata as { customMetadata: Uint8Array }).customMetadata = Buffer.from('{oops');
      (binary as { contentType: string }).contentType = 'application/octet-stream';

      const read = await store.readStream(stream);
      const all = (await store.readAll({ after: -1, maxCount: 100 })).filter(
        (event) => event.streamId === stream,
      );
      for (const events of [read, all]) {
        expect(events.map((event) => event.malformed)).toEqual([
          'stored JSON cannot be parsed (data is not an object)',
          'stored JSON cannot be parsed (metadata)',
          'stored data is not JSON (binary content type)',
        ]);
        // Only the second's metadata cannot be read: poison for every projection (Projection.everyEventReads).
        expect(events.map((event) => event.malformedMetadata)).toEqual([
          undefined,
          'stored JSON cannot be parsed (metadata)',
          undefined,
        ]);
      }
    });
  });

  describe('catch-up subscription', () => {
    it('receives, exactly once and in order, events appended while it catches up', async () => {
      const double = await startDouble({ systemEventEvery: 4 });
      const reader = connect(double.url);
      const writer = connect(double.url);
      const streams = [newStreamId('a'), newStreamId('b'), newStreamId('c')];
      const written: string[] = [];
      const write = async (count: number) => {
        for (let i = 0; i < count; i++) {
          const events = newEvents(1 + (i % 3));
          await writer.append(streams[i % 3], events, 'any');
          written.push(...events.map((event) => event.id));
        }
      };
      await write(30);
      const beforeCatchUp = written.length;

      // As the projection engine does: woken by onAppended, it reads $all in small pages. The
      // second writer starts once the first page is in, so it appends while the reader catches up.
      const received: RecordedEvent[] = [];
      let secondWrite: Promise<void> | undefined;
      let pumping: Promise<void> | undefined;
      let again = false;
      const pump = async () => {
        do {
          again = false;
          for (;;) {
            const after = received.at(-1)?.position ?? 0;
            const page = await reader.readAll({ after, maxCount: 5 });
            if (page.length === 0) break;
            received.push(...page);
            secondWrite ??= write(30);
          }
        } while (again);
      };
      const kick = () => {
        if (pumping) again = true;
        else pumping = pump().finally(() => (pumping = undefined));
      };
      const unsubscribe = reader.onAppended(kick);
      kick();
      await eventually(
        () => secondWrite !== undefined,
        (started) => started,
      );
      await secondWrite;
      const ids = await eventually(
        () => received.map((event) => event.id),
        (seen) => seen.length >= written.length,
      );
      unsubscribe();
      await pumping;

      expect(written.length).toBeGreaterThan(beforeCatchUp);
      expect(ids).toEqual(written);
      const positions = received.map((event) => event.position);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      expect(new Set(positions).size).toBe(positions.length);
    });

    it("hears another client's appends through its live subscription", async () => {
      const double = await startDouble();
      const listening = connect(double.url);
      const other = connect(double.url);
      const stream = newStreamId();
      let heard = 0;
      listening.onAppended(() => heard++);
      await eventually(
        () => double.calls.read,
        (reads) => reads >= 2, // the head read and the subscription
      );
      await other.append(stream, newEvents(3), 'no_stream');
      await eventually(
        () => heard,
        (count) => count >= 3,
      );
    });
  });

  describe('when the server goes away', () => {
    /** Counts how often each event reaches the projection; the audit log would hide a second time. */
    const applications: Projection = {
      name: 'test_applications',
      version: 1,
      tables: ['test_applications'],
      schema: [
        `CREATE TABLE IF NOT EXISTS test_applications (
          event_id TEXT PRIMARY KEY, position INTEGER NOT NULL, times INTEGER NOT NULL)`,
      ],
      handlers: {},
      everyEvent: (event, db) =>
        db.run(
          `INSERT INTO test_applications (event_id, position, times) VALUES (?, ?, 1)
           ON CONFLICT (event_id) DO UPDATE SET times = times + 1`,
          [event.id, event.position],
        ),
    };

    it('restarted mid-subscription: the engine resumes from its checkpoint, every event once', async () => {
      const double = await startDouble({ systemEventEvery: 2 });
      const logger = recordingLogger();
      const fast = { firstDelayMs: 20, maxDelayMs: 200, giveUpAfterMs: 10_000 };
      const followed = connect(double.url, { logger, retry: fast });
      const writer = connect(double.url, { retry: fast });
      const dir = mkdtempSync(join(tmpdir(), 'esdb-reconnect-'));
      const readStore = new ReadStore(join(dir, 'read-models.db'));
      const engine = new ProjectionEngine(followed, readStore, [...PROJECTIONS, applications], {
        batchSize: 7,
      });
      const applied = () =>
        readStore.get<{ n: number }>('SELECT COUNT(*) AS n FROM test_applications')?.n ?? 0;
      const written: string[] = [];
      const write = async (rounds: number) => {
        for (let round = 0; round < rounds; round++) {
          const events = newEvents(1 + (round % 3));
          await writer.append(newStreamId(), events, 'no_stream');
          written.push(...events.map((event) => event.id));
        }
      };

      try {
        await write(10);
        await engine.start();
        await write(10);
        await eventually(applied, (n) => n === written.length);

        await double.stop();
        await eventually(
          () => followed.health(),
          (health) => health.status === 'DOWN',
        );
        const duringOutage = write(3); // retries until the server is back
        await new Promise((resolve) => setTimeout(resolve, 200));
        await double.start();
        await duringOutage;
        await write(10);

        // Only the live subscription can have told the engine about the writer's events.
        await eventually(applied, (n) => n === written.length);
        expect(logger.lines.some((line) => /live subscription to \$all dropped/.test(line))).toBe(
          true,
        );
        expect(logger.lines).toContain('Live subscription to $all is back.');

        const rows = readStore.all<{ event_id: string; times: number }>(
          'SELECT event_id, times FROM test_applications ORDER BY position',
        );
        expect(rows.map((row) => row.event_id)).toEqual(written);
        expect(rows.every((row) => row.times === 1)).toBe(true);
        const audit = readStore.all<{ event_id: string }>(
          'SELECT event_id FROM audit_log ORDER BY position',
        );
        expect(audit.map((row) => row.event_id)).toEqual(written);
        const [status] = await engine.status();
        expect(status).toMatchObject({ checkpoint: await writer.headPosition(), lag: 0 });
      } finally {
        await engine.stop();
        readStore.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('an append the server wrote before it went away (its acknowledgement lost) gives up as recorded unknown; one that never connected as recorded false', async () => {
      const retry = { firstDelayMs: 20, maxDelayMs: 80, giveUpAfterMs: 400 };
      const double = await startDouble({ batchAppend: true });
      const store = connect(double.url, { retry });
      await store.headPosition();
      const write = double.log.append.bind(double.log);
      double.log.append = (...args: Parameters<typeof write>) => {
        const outcome = write(...args);
        void double.stop(); // the event is in the log; the answer never leaves
        return outcome;
      };
      const stream = newStreamId();
      const lost = await store
        .append(stream, newEvents(1), 'no_stream')
        .catch((error: unknown) => error);
      expect(lost).toBeInstanceOf(EventStoreUnavailableError);
      expect(double.log.all().filter((event) => event.streamId === stream)).toHaveLength(1);
      expect((lost as EventStoreUnavailableError).recorded).toBe('unknown');

      const never = await connect(double.url, { retry })
        .append(newStreamId(), newEvents(1), 'no_stream')
        .catch((error: unknown) => error);
      expect(never).toBeInstanceOf(EventStoreUnavailableError);
      expect((never as EventStoreUnavailableError).recorded).toBe(false);
    });

    it('down at start: retries with backoff, then a clear error; works once the server is up', async () => {
      const parked = await startDouble();
      await parked.stop(); // keeps its port, nothing listens there
      const logger = recordingLogger();
      const impatient = connect(parked.url, {
        logger,
        retry: { firstDelayMs: 20, maxDelayMs: 80, giveUpAfterMs: 400 },
      });

      const error = await impatient.headPosition().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(EventStoreUnavailableError);
      expect((error as Error).message).toMatch(
        new RegExp(`EventStoreDB at esdb://127.0.0.1:${parked.port}\\?tls=false is unavailable`),
      );
      const retries = logger.lines.filter((line) => /retry \d+ in \d+ ms/.test(line));
      expect(retries.length).toBeGreaterThanOrEqual(2);
      expect(await impatient.health()).toMatchObject({ kind: 'eventstoredb', status: 'DOWN' });

      const patient = connect(parked.url, {
        retry: { firstDelayMs: 20, maxDelayMs: 100, giveUpAfterMs: 10_000 },
      });
      const stream = newStreamId();
      const appending = patient.append(stream, newEvents(2), 'no_stream');
      await new Promise((resolve) => setTimeout(resolve, 300));
      await parked.start();
      await expect(appending).resolves.toMatchObject({ nextExpectedRevision: 1 });
      expect(await impatient.health()).toEqual({ kind: 'eventstoredb', status: 'UP' });
      expect(await impatient.readStream(stream)).toHaveLength(2);
    });

    it('follows a new leader after an election, for calls and for the live subscription', async () => {
      const first = await startDouble();
      const second = await startDouble({ log: first.log });
      second.follow(first);
      const logger = recordingLogger();
      const store = connect(first.url, {
        logger,
        retry: { firstDelayMs: 20, maxDelayMs: 100, giveUpAfterMs: 5_000 },
      });
      let heard = 0;
      store.onAppended(() => heard++);
      const stream = newStreamId();
      await store.append(stream, newEvents(1), 'no_stream');

      first.follow(second); // the election: the second node leads now
      second.follow(undefined);
      await store.append(stream, newEvents(1), 0);
      expect(second.calls.append).toBe(1);
      expect(logger.lines.join('\n')).toContain(
        `not the leader (leader is 127.0.0.1:${second.port})`,
      );
      expect((await store.readStream(stream)).map((event) => event.revision)).toEqual([0, 1]);

      const before = heard;
      await connect(second.url).append(newStreamId(), newEvents(1), 'no_stream');
      await eventually(
        () => heard,
        (count) => count > before,
      );
    });

    it.each([
      ['Append', false],
      ['BatchAppend', true],
    ])(
      'a node that takes calls and never answers (%s): an append gives up after giveUpAfterMs as recorded unknown, a read as UNAVAILABLE',
      async (_path, batchAppend) => {
        const double = await startDouble({ batchAppend });
        const store = connect(double.url, {
          retry: { firstDelayMs: 20, maxDelayMs: 80, giveUpAfterMs: 500 },
        });
        await store.headPosition();
        double.silent = true;

        const append = await store
          .append(newStreamId(), newEvents(1), 'no_stream')
          .catch((error: unknown) => error);
        expect(append).toBeInstanceOf(EventStoreUnavailableError);
        expect((append as Error).message).toMatch(/no answer within \d+ ms/);
        // It reached the server, which may have written it before it stalled.
        expect((append as EventStoreUnavailableError).recorded).toBe('unknown');
        await expect(store.readStream(newStreamId())).rejects.toBeInstanceOf(
          EventStoreUnavailableError,
        );
        await expect(store.readAll({ maxCount: 5 })).rejects.toBeInstanceOf(
          EventStoreUnavailableError,
        );

        double.silent = false;
        await expect(store.append(newStreamId(), newEvents(1), 'no_stream')).resolves.toEqual(
          expect.objectContaining({ nextExpectedRevision: 0 }),
        );
      },
    );

    it('close() ends calls waiting on a node that never answers at once, saying the store closed (not a raw CANCELLED, not when the policy gives up)', async () => {
      const double = await startDouble({ batchAppend: true });
      const store = connect(double.url, {
        retry: { firstDelayMs: 20, maxDelayMs: 80, giveUpAfterMs: 60_000 },
      });
      await store.headPosition();
      double.silent = true;
      const append = store.append(newStreamId(), newEvents(1), 'no_stream').catch((e: Error) => e);
      const read = store.readAll({ maxCount: 5 }).catch((error: Error) => error);
      await new Promise((resolve) => setTimeout(resolve, 200));

      await store.close();
      expect(await append).toEqual(
        expect.objectContaining({ message: expect.stringMatching(/closed/) }),
      );
      expect(await read).toEqual(
        expect.objectContaining({ message: expect.stringMatching(/closed/) }),
      );
    }, 10_000);

    it('reports DOWN once closed and refuses further calls', async () => {
      const double = await startDouble();
      const store = connect(double.url);
      expect(await store.health()).toEqual({ kind: 'eventstoredb', status: 'UP' });
      await store.close();
      expect(await store.health()).toEqual({
        kind: 'eventstoredb',
        status: 'DOWN',
        detail: 'closed',
      });
      await expect(store.readAll({ maxCount: 1 })).rejects.toThrow(/closed/);
    });
  });
});
