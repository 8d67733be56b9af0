import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent as EsdbRecordedEvent } from '@eventstore/db-client';
import {
  HISTORY_MAX_COUNT,
  historyData,
  historyWindow,
  readHistory,
} from '../../src/audit/stream-history';
import { schemaVersionOf } from '../../src/events';
import type { StreamFolder } from '../../src/platform/capability';
import { DomainError } from '../../src/platform/domain/domain-error';
import { EsdbEventStore } from '../../src/platform/event-store/esdb/esdb-event-store';
import { toRecordedEvent } from '../../src/platform/event-store/esdb/esdb-mapping';
import type { EventStore, RecordedEvent } from '../../src/platform/event-store/event-store';
import { fillContent } from '../../src/platform/event-store/stored-content';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store';
import { EsdbDouble } from '../support/esdb-double/esdb-double';
import { newEvent, newMetadata } from '../support/events';

const STREAM = 'dapgrant-contoso-partners_fabrikam';
const EVENTS = 450;

/** Counts the events folded: each state after is the number of events up to it. */
const counting: StreamFolder = {
  initialState: 0,
  evolve: (state) => (state as number) + 1,
  viewAfter: (state) => ({ folded: state }),
};

const refusalOf = (work: () => unknown): string | undefined => {
  try {
    work();
  } catch (error) {
    return error instanceof DomainError ? error.code : 'not a DomainError';
  }
  return undefined;
};

/** Each store the product runs on, opened empty; `close` also removes what it made. */
const STORES: [string, () => Promise<{ store: EventStore; close: () => Promise<void> }>][] = [
  [
    'sqlite',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'stream-history-'));
      const store = new SqliteEventStore(join(dir, 'events.db'));
      const close = async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      };
      return Promise.resolve({ store, close });
    },
  ],
  [
    'esdb',
    async () => {
      const double = await EsdbDouble.start();
      const store = new EsdbEventStore(double.url);
      const close = async () => {
        await store.close();
        await double.stop();
      };
      return { store, close };
    },
  ],
];

describe.each(STORES)('history of a long stream, a window at a time (R43, %s)', (_, open) => {
  let store: EventStore;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ store, close } = await open());
    const metadata = () => newMetadata({ schemaVersion: schemaVersionOf('DelegatedAdminGranted') });
    await store.append(
      STREAM,
      Array.from({ length: EVENTS }, (_, n) =>
        newEvent(
          'DelegatedAdminGranted',
          { partnerTenantId: 'contoso-partners', customerTenantId: 'fabrikam', n },
          { metadata: metadata() },
        ),
      ),
      'no_stream',
    );
  });
  afterAll(() => close());

  const read = (fromRevision: number, maxCount: number | null, maxBytes = 10_000_000) =>
    readHistory(store, STREAM, { fromRevision, maxCount }, counting, maxBytes);

  it('R43: windows that cross the chunks it reads give the events and states of the whole history', async () => {
    const whole = await read(0, null);
    expect(whole.items.map((item) => item.event.revision)).toEqual([...Array(EVENTS).keys()]);
    expect(whole.items.map((item) => item.stateAfter)).toEqual(
      whole.items.map((_, revision) => ({ folded: revision + 1 })),
    );
    const windows = [];
    for (const [from, count] of [
      [0, 150],
      [150, 199],
      [349, 2],
      [351, 1_000],
    ] as const) {
      windows.push(...(await read(from, count)).items);
    }
    expect(windows.map((item) => [item.event.id, item.stateAfter])).toEqual(
      whole.items.map((item) => [item.event.id, item.stateAfter]),
    );
    expect((await read(EVENTS, 10)).items).toEqual([]);
  });

  it('R42: who may read is judged by the readers of the events up to the window’s end, each once', async () => {
    expect((await read(440, 5)).readers).toEqual([
      { partnerTenantId: 'contoso-partners', customerTenantId: 'fabrikam' },
    ]);
  });

  it('R43: an answer that would pass the size limit is refused as soon as it does, naming that revision', async () => {
    const { items } = await read(0, 1);
    const perEvent =
      JSON.stringify(items[0].event.data).length + JSON.stringify(items[0].stateAfter).length;
    await expect(read(100, null, perEvent * 10.5)).rejects.toMatchObject({
      extensions: { code: 'RESPONSE_TOO_LARGE', revision: 110 },
    });
    // Ten events fit: a window of ten is answered.
    expect((await read(100, 10, perEvent * 10.5)).items).toHaveLength(10);
  });

  it('R17, R43: to a caller who may not read the stream, its size shows nothing: no event, and the readers to refuse it by', async () => {
    const { items } = await read(0, 1);
    const perEvent =
      JSON.stringify(items[0].event.data).length + JSON.stringify(items[0].stateAfter).length;
    const stranger = await readHistory(
      store,
      STREAM,
      { fromRevision: 100, maxCount: null },
      counting,
      perEvent * 10.5,
      () => false,
      () => false,
    );
    expect(stranger.items).toEqual([]);
    expect(stranger.readers).toEqual([
      { partnerTenantId: 'contoso-partners', customerTenantId: 'fabrikam' },
    ]);
  });
});

describe('history’s window', () => {
  it('refuses a negative revision or a count out of range with INVALID_INPUT', () => {
    expect(historyWindow(undefined, undefined)).toEqual({ fromRevision: 0, maxCount: null });
    expect(historyWindow(3, HISTORY_MAX_COUNT)).toEqual({
      fromRevision: 3,
      maxCount: HISTORY_MAX_COUNT,
    });
    for (const [from, count] of [
      [-1, null],
      [0, 0],
      [0, HISTORY_MAX_COUNT + 1],
      [0, -5],
    ]) {
      expect(refusalOf(() => historyWindow(from, count))).toBe('INVALID_INPUT');
    }
  });
});

describe('history’s data of an event that cannot be read, from either store', () => {
  const metadata = newMetadata();
  const esdb = (data: unknown, storedMetadata: unknown, isJson = true) =>
    toRecordedEvent({
      streamId: STREAM,
      id: 'e1',
      revision: 0n,
      type: 'DelegatedAdminGranted',
      data,
      metadata: storedMetadata,
      isJson,
      created: new Date(),
      position: { commit: 7n, prepare: 7n },
    } as unknown as EsdbRecordedEvent);
  const storedMetadata = {
    ...metadata,
    $correlationId: metadata.correlationId,
    $causationId: metadata.causationId,
  };
  const sqlite = (data: string, storedMetadataText: string) => {
    const event = { id: 'e1', streamId: STREAM, type: 'DelegatedAdminGranted' } as RecordedEvent;
    fillContent(event, { data, metadata: storedMetadataText });
    return event;
  };

  it('is null when the data is what cannot be read: SQLite leaves it undefined, EventStoreDB gives its text', () => {
    expect(historyData(sqlite('{not json', JSON.stringify(metadata)))).toBeNull();
    expect(historyData(esdb('{not json', storedMetadata))).toBeNull();
    expect(historyData(esdb({ n: 1 }, storedMetadata, false))).toBeNull();
  });

  it('is the data when only the metadata cannot be read, and when nothing is wrong', () => {
    expect(historyData(sqlite('{"n":1}', '{"actor":5}'))).toEqual({ n: 1 });
    expect(historyData(esdb({ n: 1 }, new Uint8Array([1, 2])))).toEqual({ n: 1 });
    expect(historyData(esdb({ n: 1 }, storedMetadata))).toEqual({ n: 1 });
  });
});
