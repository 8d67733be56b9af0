import {
  WrongExpectedRevisionError,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
  type RecordedEvent,
} from '../../../src/platform/event-store/event-store';
import type { Actor } from '../../../src/platform/domain/actor';
import { recordedAfter } from '../../../src/platform/event-store/recorded-after';
import { readContent, readMetadata } from '../../../src/platform/event-store/stored-content';
import { newEvent, newEvents, newMetadata, newStreamId, testActor } from '../../support/events';

export type MakeEventStore = () => Promise<{ store: EventStore; cleanup: () => Promise<void> }>;

/**
 * The behaviour every EventStore adapter must share. It uses only the port, gives every test its
 * own streams and reads `$all` only past the head it saw first, so it also runs against a shared
 * server that holds other data.
 */
export function eventStoreContract(name: string, makeStore: MakeEventStore): void {
  describe(`event store contract: ${name}`, () => {
    let store: EventStore;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await makeStore());
    });

    afterEach(async () => {
      await cleanup();
    });

    const revisions = (events: RecordedEvent[]): number[] => events.map((e) => e.revision);

    /** Every event of `streams` in `$all` past `after`, read in small pages. */
    async function readAllOf(streams: Set<string>, after: number): Promise<RecordedEvent[]> {
      const found: RecordedEvent[] = [];
      for (;;) {
        const page = await store.readAll({ after, maxCount: 7 });
        if (page.length === 0) return found;
        found.push(...page.filter((e) => streams.has(e.streamId)));
        after = page[page.length - 1].position;
      }
    }

    async function expectConflict(
      append: Promise<unknown>,
      streamId: string,
      expected: ExpectedRevision,
      actual: number | 'no_stream',
    ): Promise<void> {
      const error: unknown = await append.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      expect(error).toMatchObject({ streamId, expected, actual });
    }

    describe('append', () => {
      it("appends to a new stream with 'no_stream'", async () => {
        const stream = newStreamId();
        const result = await store.append(stream, [newEvent('Opened', {})], 'no_stream');
        expect(result.nextExpectedRevision).toBe(0);
        expect(result.position).toBeGreaterThan(0);
        expect(revisions(await store.readStream(stream))).toEqual([0]);
      });

      it("appends with 'any' to new and existing streams", async () => {
        const stream = newStreamId();
        expect((await store.append(stream, newEvents(1), 'any')).nextExpectedRevision).toBe(0);
        expect((await store.append(stream, newEvents(2), 'any')).nextExpectedRevision).toBe(2);
        expect(revisions(await store.readStream(stream))).toEqual([0, 1, 2]);
      });

      it('appends with the exact current revision', async () => {
        const stream = newStreamId();
        await store.append(stream, newEvents(2), 'no_stream');
        const result = await store.append(stream, newEvents(1), 1);
        expect(result.nextExpectedRevision).toBe(2);
        expect(revisions(await store.readStream(stream))).toEqual([0, 1, 2]);
      });

      it("appends with 'stream_exists' to an existing stream", async () => {
        const stream = newStreamId();
        await store.append(stream, newEvents(1), 'no_stream');
        expect(
          (await store.append(stream, newEvents(1), 'stream_exists')).nextExpectedRevision,
        ).toBe(1);
      });

      it("refuses 'no_stream' on an existing stream, naming its revision", async () => {
        const stream = newStreamId();
        await store.append(stream, newEvents(3), 'no_stream');
        await expectConflict(
          store.append(stream, newEvents(1), 'no_stream'),
          stream,
          'no_stream',
          2,
        );
        expect(await store.readStream(stream)).toHaveLength(3);
      });

      it("refuses 'stream_exists' on a missing stream", async () => {
        const stream = newStreamId();
        await expectConflict(
          store.append(stream, newEvents(1), 'stream_exists'),
          stream,
          'stream_exists',
          'no_stream',
        );
        expect(await store.readStream(stream)).toEqual([]);
      });

      it('refuses an exact revision on a missing stream', async () => {
        const stream = newStreamId();
        await expectConflict(store.append(stream, newEvents(1), 0), stream, 0, 'no_stream');
        expect(await store.readStream(stream)).toEqual([]);
      });

      it('refuses a wrong exact revision and appends nothing of the batch', async () => {
        const stream = newStreamId();
        await store.append(stream, newEvents(2), 'no_stream');
        const head = await store.headPosition();
        const batch = newEvents(3, 'Rejected');

        await expectConflict(store.append(stream, batch, 0), stream, 0, 1);
        await expectConflict(store.append(stream, batch, 5), stream, 5, 1);

        const after = await store.readStream(stream);
        expect(revisions(after)).toEqual([0, 1]);
        expect(after.map((e) => e.type)).not.toContain('Rejected');
        expect(await readAllOf(new Set([stream]), head)).toEqual([]);
      });

      it('gives a batch consecutive revisions and increasing positions', async () => {
        const stream = newStreamId();
        await store.append(stream, newEvents(1), 'no_stream');
        const result = await store.append(stream, newEvents(4), 0);
        const events = await store.readStream(stream);
        expect(revisions(events)).toEqual([0, 1, 2, 3, 4]);
        for (let i = 1; i < events.length; i++) {
          expect(events[i].position).toBeGreaterThan(events[i - 1].position);
        }
        expect(result).toEqual({ nextExpectedRevision: 4, position: events[4].position });
      });

      it('checks the expectation of an empty append and writes nothing', async () => {
        const stream = newStreamId();
        await store.append(stream, newEvents(2), 'no_stream');
        const result = await store.append(stream, [], 1);
        expect(result).toEqual({
          nextExpectedRevision: 1,
          position: await store.headPosition(),
        });
        await expectConflict(store.append(stream, [], 0), stream, 0, 1);
        expect(await store.readStream(stream)).toHaveLength(2);

        const missing = newStreamId();
        await store.append(missing, [], 'no_stream');
        expect(await store.readStream(missing)).toEqual([]);
      });
    });

    describe('recorded events', () => {
      it('round-trip id, type, data and metadata exactly, and record when', async () => {
        const stream = newStreamId('relationship');
        const data = {
          text: 'Contoso Ltd — 日本語 "quoted" \\ backslash',
          count: 42,
          ratio: 0.125,
          negative: -7,
          flag: false,
          nothing: null,
          list: [1, 'two', { three: 3 }],
          nested: { deeper: { deepest: ['a', 'b'] } },
          empty: {},
        };
        const metadata = newMetadata({
          correlationId: 'corr-1',
          causationId: 'cause-1',
          actor: { ...testActor, tenantKind: 'customer', roles: ['GlobalAdmin', 'Reader'] },
          occurredAt: '2024-02-29T23:59:59.123Z',
          schemaVersion: 3,
        });
        const event = newEvent('RelationshipRequested', data, { metadata });

        const before = Date.now();
        await store.append(stream, [event], 'no_stream');
        const after = Date.now();

        const [recorded] = await store.readStream(stream);
        expect(recorded).toMatchObject({
          id: event.id,
          streamId: stream,
          type: 'RelationshipRequested',
          revision: 0,
        });
        expect(recorded.data).toEqual(data);
        expect(recorded.metadata).toEqual(metadata);
        expect(recorded.created).toBeInstanceOf(Date);
        // A server's clock may differ a little from ours.
        expect(recorded.created.getTime()).toBeGreaterThanOrEqual(before - 60_000);
        expect(recorded.created.getTime()).toBeLessThanOrEqual(after + 60_000);
      });

      it('reads the same event the same way from readStream and readAll', async () => {
        const stream = newStreamId();
        const head = await store.headPosition();
        await store.append(stream, newEvents(2), 'no_stream');
        expect(await readAllOf(new Set([stream]), head)).toEqual(await store.readStream(stream));
      });

      it('marks metadata that is JSON but not an event’s malformed, naming what is wrong, and reads the rest as written', async () => {
        const stream = newStreamId();
        const head = await store.headPosition();
        const { actor, ...noActor } = newMetadata();
        const odd = [
          newEvent('NoActor', {}, { metadata: noActor as EventMetadata }),
          newEvent('BadMoment', {}, { metadata: newMetadata({ occurredAt: 'tuesday' }) }),
          newEvent(
            'BadRoles',
            {},
            {
              metadata: newMetadata({ actor: { ...actor, roles: 'x' } as unknown as Actor }),
            },
          ),
        ];
        const fine = newEvent('Fine', { n: 1 });
        await store.append(stream, [...odd, fine], 'no_stream');

        const reasons = [
          'stored metadata is not an event’s metadata: actor is not an object',
          'stored metadata is not an event’s metadata: occurredAt is not a date and time',
          'stored metadata is not an event’s metadata: actor.roles is not a list of text',
        ];
        const deferred = await store.readAll({ after: head, maxCount: 10, deferContent: true });
        for (const read of [await store.readStream(stream), deferred.map(readMetadata)]) {
          expect(read.map((event) => event.malformedMetadata)).toEqual([...reasons, undefined]);
          expect(read.map((event) => event.malformed)).toEqual([...reasons, undefined]);
          expect(read[0].metadata).toEqual({});
          expect(read[3].metadata).toEqual(fine.metadata);
        }
        expect(readContent(deferred[3]).data).toEqual({ n: 1 });
      });
    });

    describe('readStream', () => {
      let stream: string;

      beforeEach(async () => {
        stream = newStreamId();
        await store.append(stream, newEvents(5), 'no_stream');
      });

      it('reads forwards by default', async () => {
        const events = await store.readStream(stream);
        expect(revisions(events)).toEqual([0, 1, 2, 3, 4]);
        expect(events.map((e) => e.data)).toEqual([0, 1, 2, 3, 4].map((n) => ({ n })));
      });

      it('reads forwards from a revision (inclusive) and up to maxCount', async () => {
        expect(revisions(await store.readStream(stream, { fromRevision: 2 }))).toEqual([2, 3, 4]);
        expect(revisions(await store.readStream(stream, { maxCount: 2 }))).toEqual([0, 1]);
        expect(revisions(await store.readStream(stream, { fromRevision: 1, maxCount: 2 }))).toEqual(
          [1, 2],
        );
        expect(await store.readStream(stream, { fromRevision: 5 })).toEqual([]);
      });

      it('reads backwards from the end, from a revision (inclusive) and up to maxCount', async () => {
        const back = (options = {}) =>
          store.readStream(stream, { direction: 'backwards', ...options });
        expect(revisions(await back())).toEqual([4, 3, 2, 1, 0]);
        expect(revisions(await back({ maxCount: 1 }))).toEqual([4]);
        expect(revisions(await back({ fromRevision: 2 }))).toEqual([2, 1, 0]);
        expect(revisions(await back({ fromRevision: 3, maxCount: 2 }))).toEqual([3, 2]);
      });

      it('reads an unknown stream as []', async () => {
        expect(await store.readStream(newStreamId())).toEqual([]);
        expect(await store.readStream(newStreamId(), { direction: 'backwards' })).toEqual([]);
      });

      it('recordedAfter: the events after a global position, newest first, across pages of 50', async () => {
        const long = newStreamId();
        await store.append(long, newEvents(60), 'no_stream');
        await store.append(newStreamId(), newEvents(1), 'no_stream');
        await store.append(long, newEvents(70), 59);
        const all = await store.readStream(long);
        const numbers = (events: RecordedEvent[]) => events.map((e) => e.revision);
        const afterRevision = (revision: number) =>
          recordedAfter(store, long, all[revision].position);

        expect(numbers(await afterRevision(4))).toEqual(
          Array.from({ length: 125 }, (_, i) => 129 - i),
        );
        expect(numbers(await afterRevision(128))).toEqual([129]);
        expect(await afterRevision(129)).toEqual([]);
        expect(numbers(await recordedAfter(store, long, 0))).toHaveLength(130);
        expect(await recordedAfter(store, newStreamId(), 0)).toEqual([]);
      });
    });

    describe('readAll and headPosition', () => {
      it('reads all streams in global order', async () => {
        const head = await store.headPosition();
        const [a, b] = [newStreamId('a'), newStreamId('b')];
        await store.append(a, [newEvent('A1', {})], 'no_stream');
        await store.append(b, [newEvent('B1', {}), newEvent('B2', {})], 'no_stream');
        await store.append(a, [newEvent('A2', {})], 0);

        const page = await store.readAll({ after: head, maxCount: 100 });
        const ours = page.filter((e) => e.streamId === a || e.streamId === b);
        expect(ours.map((e) => e.type)).toEqual(['A1', 'B1', 'B2', 'A2']);
        expect(page[0].position).toBeGreaterThan(head);
        for (let i = 1; i < page.length; i++) {
          expect(page[i].position).toBeGreaterThan(page[i - 1].position);
        }
      });

      it('pages with after and maxCount, visiting every event exactly once', async () => {
        const head = await store.headPosition();
        const streams = [newStreamId(), newStreamId(), newStreamId()];
        const appended: string[] = [];
        for (let round = 0; round < 4; round++) {
          for (const stream of streams) {
            const events = newEvents(round + 1);
            appended.push(...events.map((e) => e.id));
            await store.append(stream, events, 'any');
          }
        }

        const seen: string[] = [];
        let after = head;
        for (;;) {
          const page = await store.readAll({ after, maxCount: 4 });
          expect(page.length).toBeLessThanOrEqual(4);
          if (page.length === 0) break;
          expect(page[0].position).toBeGreaterThan(after);
          seen.push(...page.filter((e) => streams.includes(e.streamId)).map((e) => e.id));
          after = page[page.length - 1].position;
        }
        expect(seen).toEqual(appended);
      });

      it('reads the same events with deferContent, once readContent parsed them', async () => {
        const head = await store.headPosition();
        const stream = newStreamId();
        await store.append(
          stream,
          [newEvent('A1', { name: 'Fabrikam' }), ...newEvents(2)],
          'no_stream',
        );
        const parsed = await store.readAll({ after: head, maxCount: 100 });
        const deferred = await store.readAll({ after: head, maxCount: 100, deferContent: true });
        expect(deferred.map((event) => event.id)).toEqual(parsed.map((event) => event.id));
        expect(deferred.map(readContent)).toEqual(parsed);
        // Parsed once: a second readContent leaves the same event.
        expect(deferred.map(readContent)).toEqual(parsed);
      });

      it('reads with dataOfTypes the same metadata, and the same data of the types named', async () => {
        const head = await store.headPosition();
        await store.append(
          newStreamId(),
          [newEvent('Named', { name: 'Fabrikam' }), newEvent('Other', { name: 'Contoso' })],
          'no_stream',
        );
        const parsed = await store.readAll({ after: head, maxCount: 100 });
        const read = await store.readAll({
          after: head,
          maxCount: 100,
          deferContent: true,
          dataOfTypes: new Set(['Named']),
        });
        expect(read.map(readMetadata).map((event) => event.metadata)).toEqual(
          parsed.map((event) => event.metadata),
        );
        expect(readContent(read[0])).toEqual(parsed[0]);
        // The other's data may be left unread (SQLite does): never mistaken for malformed data.
        expect(read[1].malformed).toBeUndefined();
        expect([undefined, parsed[1].data]).toContainEqual(read[1].data);
      });

      it('reads from the start with after omitted or 0', async () => {
        await store.append(newStreamId(), newEvents(2), 'no_stream');
        const first = await store.readAll({ maxCount: 1 });
        expect(first).toHaveLength(1);
        expect(first[0].position).toBeGreaterThan(0);
        expect(await store.readAll({ after: 0, maxCount: 1 })).toEqual(first);
      });

      it('reports the position of the newest event as head, 0 when empty', async () => {
        const before = await store.headPosition();
        const isEmpty = (await store.readAll({ after: 0, maxCount: 1 })).length === 0;
        expect(before === 0).toBe(isEmpty);

        const result = await store.append(newStreamId(), newEvents(3), 'no_stream');
        expect(result.position).toBeGreaterThan(before);
        expect(await store.headPosition()).toBeGreaterThanOrEqual(result.position);
      });
    });

    describe('onAppended', () => {
      const nextTicks = () => new Promise((resolve) => setTimeout(resolve, 50));

      it('calls a listener after an append, when the events can be read', async () => {
        const stream = newStreamId();
        const heard = new Promise<number>((resolve) => {
          const unsubscribe = store.onAppended(() => {
            unsubscribe();
            resolve(store.readStream(stream).then((events) => events.length));
          });
        });
        await store.append(stream, newEvents(2), 'no_stream');
        expect(await heard).toBe(2);
      });

      it('stops calling a listener once unsubscribed', async () => {
        let calls = 0;
        const unsubscribe = store.onAppended(() => calls++);
        await store.append(newStreamId(), newEvents(1), 'no_stream');
        await nextTicks();
        expect(calls).toBeGreaterThanOrEqual(1);

        unsubscribe();
        const before = calls;
        await store.append(newStreamId(), newEvents(1), 'no_stream');
        await nextTicks();
        expect(calls).toBe(before);
      });

      it('does not call a listener removed before its turn (it may have closed what it reads)', async () => {
        let removedCalls = 0;
        let unsubscribeSecond = () => {};
        const unsubscribeFirst = store.onAppended(() => unsubscribeSecond());
        unsubscribeSecond = store.onAppended(() => removedCalls++);
        await store.append(newStreamId(), newEvents(1), 'no_stream');
        await nextTicks();
        unsubscribeFirst();
        expect(removedCalls).toBe(0);
      });

      it('appends even when a listener throws, and still calls the others', async () => {
        const unsubscribeThrower = store.onAppended(() => {
          throw new Error('listener failure (expected by the test)');
        });
        let calls = 0;
        const unsubscribe = store.onAppended(() => calls++);
        const stream = newStreamId();
        await expect(store.append(stream, newEvents(1), 'no_stream')).resolves.toMatchObject({
          nextExpectedRevision: 0,
        });
        await nextTicks();
        expect(calls).toBeGreaterThanOrEqual(1);
        unsubscribeThrower();
        unsubscribe();
      });
    });

    describe('concurrency', () => {
      async function contend(
        stream: string,
        callers: number,
        expected: ExpectedRevision,
      ): Promise<{ won: number; conflicts: WrongExpectedRevisionError[] }> {
        const outcomes = await Promise.allSettled(
          Array.from({ length: callers }, () => store.append(stream, newEvents(1), expected)),
        );
        const conflicts = outcomes.flatMap((o) =>
          o.status === 'rejected' ? [o.reason as WrongExpectedRevisionError] : [],
        );
        for (const conflict of conflicts)
          expect(conflict).toBeInstanceOf(WrongExpectedRevisionError);
        return { won: outcomes.filter((o) => o.status === 'fulfilled').length, conflicts };
      }

      it('lets exactly one of 50 concurrent writers win each revision', async () => {
        const stream = newStreamId();

        const created = await contend(stream, 50, 'no_stream');
        expect(created.won).toBe(1);
        expect(created.conflicts).toHaveLength(49);
        expect(created.conflicts.every((c) => c.actual === 0)).toBe(true);

        for (let round = 0; round < 3; round++) {
          // Everyone reads the same revision first, then everyone appends against it.
          const reads = await Promise.all(
            Array.from({ length: 50 }, () =>
              store.readStream(stream, { direction: 'backwards', maxCount: 1 }),
            ),
          );
          const seen = new Set(reads.map(([last]) => last.revision));
          expect(seen).toEqual(new Set([round]));
          const outcomes = await Promise.allSettled(
            reads.map(([last]) => store.append(stream, newEvents(1), last.revision)),
          );
          expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
          const conflicts = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
          expect(conflicts).toHaveLength(49);
          for (const conflict of conflicts) {
            expect(conflict).toBeInstanceOf(WrongExpectedRevisionError);
            expect(conflict).toMatchObject({ expected: round, actual: round + 1 });
          }
        }
        expect(revisions(await store.readStream(stream))).toEqual([0, 1, 2, 3]);
      });

      it('gives 20 retrying writers revisions 0..19 with no gap and no duplicate', async () => {
        const stream = newStreamId();
        const writer = async (n: number): Promise<string> => {
          const event = newEvent('Wrote', { writer: n });
          for (;;) {
            const [last] = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
            try {
              await store.append(stream, [event], last ? last.revision : 'no_stream');
              return event.id;
            } catch (error) {
              if (!(error instanceof WrongExpectedRevisionError)) throw error;
            }
          }
        };

        const ids = await Promise.all(Array.from({ length: 20 }, (_, n) => writer(n)));

        const events = await store.readStream(stream);
        expect(revisions(events)).toEqual(Array.from({ length: 20 }, (_, i) => i));
        expect(new Set(events.map((e) => e.id))).toEqual(new Set(ids));
        expect(new Set(events.map((e) => (e.data as { writer: number }).writer)).size).toBe(20);
      });

      it('keeps positions unique and strictly increasing across concurrent streams', async () => {
        const head = await store.headPosition();
        const streams = Array.from({ length: 10 }, () => newStreamId());
        const batchSizes = [1, 2, 3, 1, 2, 3, 1, 2, 3, 1];
        await Promise.all(
          streams.flatMap((stream) =>
            batchSizes.map((size) => store.append(stream, newEvents(size), 'any')),
          ),
        );

        const all = await readAllOf(new Set(streams), head);
        expect(all).toHaveLength(streams.length * batchSizes.reduce((a, b) => a + b));
        expect(new Set(all.map((e) => e.position)).size).toBe(all.length);
        for (let i = 1; i < all.length; i++) {
          expect(all[i].position).toBeGreaterThan(all[i - 1].position);
        }
        for (const stream of streams) {
          const own = all.filter((e) => e.streamId === stream);
          expect(revisions(own)).toEqual(own.map((_, i) => i));
        }
      });
    });
  });
}
