import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AggregateStore } from '../../src/commands/aggregate-store';
import {
  AddAutopilotDevices,
  AddAutopilotDevicesHandler,
} from '../../src/commands/autopilot/add-autopilot-devices';
import { loadSettings } from '../../src/config/settings';
import { deviceKeys } from '../../src/domain/autopilot-profile/device-identity';
import { autopilotStreams } from '../../src/domain/autopilot-profile/streams';
import { DomainError } from '../../src/domain/shared/domain-error';
import type {
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
} from '../../src/event-store/event-store';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';
import { ManualClock } from '../support/app';
import { customerGlobalAdmin } from '../support/given';

const FABRIKAM = 'customer-fabrikam';
const fay = customerGlobalAdmin({ tenantId: FABRIKAM });

/** The real SQLite store, with a hook that lets another writer in just before one append. */
class InterleavingStore implements EventStore {
  beforeAppend: ((streamId: string) => Promise<void>) | null = null;
  constructor(private readonly inner: EventStore) {}
  async append(streamId: string, events: NewEvent[], expected: ExpectedRevision) {
    const hook = this.beforeAppend;
    if (hook) await hook(streamId);
    return this.inner.append(streamId, events, expected);
  }
  readStream(streamId: string, options?: ReadStreamOptions) {
    return this.inner.readStream(streamId, options);
  }
  readAll(options: ReadAllOptions) {
    return this.inner.readAll(options);
  }
  headPosition() {
    return this.inner.headPosition();
  }
  onAppended(listener: () => void) {
    return this.inner.onAppended(listener);
  }
  health() {
    return this.inner.health();
  }
  close() {
    return this.inner.close();
  }
}

describe('adding a batch of Autopilot devices on the real store', () => {
  let dir: string;
  let store: InterleavingStore;
  let handler: AddAutopilotDevicesHandler;
  /** The same command in another process: its own AggregateStore over the same store. */
  let elsewhere: AddAutopilotDevicesHandler;
  let clock: ManualClock;

  const add = (productKeys: string[], by = handler) =>
    by.execute(
      new AddAutopilotDevices(
        { actor: fay, correlationId: randomUUID() },
        FABRIKAM,
        'INTUNE',
        productKeys.map((productKey) => ({ productKey })),
      ),
    );
  const keyStream = (productKey: string) => deviceKeys(FABRIKAM, { productKey })[0].streamId;
  const typesIn = async (streamId: string) =>
    (await store.readStream(streamId)).map((event) => [event.type, event.data]);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'autopilot-'));
    store = new InterleavingStore(new SqliteEventStore(join(dir, 'events.db')));
    clock = new ManualClock(new Date('2026-06-01T12:00:00Z'));
    handler = new AddAutopilotDevicesHandler(
      new AggregateStore(store, clock),
      loadSettings({}),
      clock,
    );
    elsewhere = new AddAutopilotDevicesHandler(
      new AggregateStore(store, clock),
      loadSettings({}),
      clock,
    );
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('R33: a batch that loses a race midway releases what it reserved, adds nothing and answers CONFLICT', async () => {
    let winner: Awaited<ReturnType<typeof add>> | undefined;
    store.beforeAppend = async (streamId) => {
      if (streamId !== keyStream('PK-2')) return;
      store.beforeAppend = null;
      winner = await add(['PK-2'], elsewhere);
    };

    const refused = await add(['PK-1', 'PK-2', 'PK-3']).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({
      code: 'CONFLICT',
      rule: 'R33',
      details: { problems: [{ index: 1, existingDeviceId: winner?.deviceIds[0] }] },
    });
    expect((refused as Error).message).toMatch(/^devices\[1\] \(product key PK-2\)/);
    const [reservedBy] = (await store.readStream(keyStream('PK-1'))).map(
      (event) => (event.data as { deviceId: string }).deviceId,
    );
    expect(await typesIn(keyStream('PK-1'))).toEqual([
      ['AutopilotDeviceKeyReserved', expect.objectContaining({ deviceId: reservedBy })],
      [
        'AutopilotDeviceKeyReleased',
        expect.objectContaining({ deviceId: reservedBy, reason: 'BATCH_ABANDONED' }),
      ],
    ]);
    expect(await store.readStream(autopilotStreams.device(reservedBy))).toEqual([]);
    expect(await store.readStream(keyStream('PK-3'))).toEqual([]);
    expect(await typesIn(keyStream('PK-2'))).toEqual([
      ['AutopilotDeviceKeyReserved', expect.objectContaining({ deviceId: winner?.deviceIds[0] })],
    ]);
    // The released identifier is free again.
    expect((await add(['PK-1'])).deviceIds).toHaveLength(1);
  });

  it('R33: identifiers a crashed batch reserved are free again once that batch is clearly abandoned', async () => {
    store.beforeAppend = (streamId) => {
      if (streamId.startsWith('autopilotdevice-'))
        return Promise.reject(new Error('process killed'));
      return Promise.resolve();
    };
    await expect(add(['PK-lost'])).rejects.toThrow('process killed');
    store.beforeAppend = null;

    clock.advance(60_000);
    await expect(add(['PK-lost'])).rejects.toMatchObject({ code: 'CONFLICT', rule: 'R33' });
    clock.advance(10 * 60_000);
    const { deviceIds } = await add(['PK-lost']);
    expect(await typesIn(keyStream('PK-lost'))).toEqual([
      ['AutopilotDeviceKeyReserved', expect.anything()],
      ['AutopilotDeviceKeyReserved', expect.objectContaining({ deviceId: deviceIds[0] })],
    ]);
  });

  it('R33: however concurrent batches interleave, an identifier ends up on exactly one device', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, n) => add([`PK-own-${n}`, 'PK-shared'])),
    );
    const added = results.filter((result) => result.status === 'fulfilled');
    expect(added.length).toBeGreaterThanOrEqual(1);
    for (const result of results) {
      if (result.status === 'rejected') expect(result.reason).toMatchObject({ code: 'CONFLICT' });
    }
    const holders = (await store.readStream(keyStream('PK-shared'))).reduce<string[]>(
      (held, event) => {
        const { deviceId } = event.data as { deviceId: string };
        return event.type === 'AutopilotDeviceKeyReserved'
          ? [...held, deviceId]
          : held.filter((id) => id !== deviceId);
      },
      [],
    );
    expect(holders).toHaveLength(1);
    expect(added).toHaveLength(1);
    const [winner] = added;
    expect(holders).toEqual([winner.value.deviceIds[1]]);
  });
});
