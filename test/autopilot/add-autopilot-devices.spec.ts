import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AggregateStore } from '../../src/platform/write/aggregate-store';
import {
  AddAutopilotDevices,
  AddAutopilotDevicesHandler,
} from '../../src/autopilot/add-autopilot-devices';
import { loadSettings } from '../../src/platform/config/settings';
import { DomainError } from '../../src/platform/domain/domain-error';
import { streamIds } from '../../src/platform/domain/streams';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store';
import { ManualClock } from '../support/app';
import { deviceBatch } from '../support/autopilot-registry';
import { customerGlobalAdmin } from '../support/given';
import { InterleavingStore } from '../support/interleaving-store';

const FABRIKAM = 'customer-fabrikam';
const fay = customerGlobalAdmin({ tenantId: FABRIKAM });

describe('adding batches of Autopilot devices to the registry, on the real store', () => {
  let dir: string;
  let store: InterleavingStore;
  let handler: AddAutopilotDevicesHandler;
  /** The same command in another process: its own AggregateStore over the same store. */
  let elsewhere: AddAutopilotDevicesHandler;
  const registry = streamIds.autopilot(FABRIKAM);

  const add = (productKeys: string[], by = handler) =>
    by.execute(
      new AddAutopilotDevices(
        { actor: fay, correlationId: randomUUID() },
        deviceBatch(
          fay,
          FABRIKAM,
          'INTUNE',
          productKeys.map((productKey) => ({ productKey })),
        ),
      ),
    );
  const recorded = async () =>
    (await store.readStream(registry)).map((event) => {
      const data = event.data as { deviceId: string; identity: { productKey: string } };
      return [event.type, data.identity.productKey, data.deviceId];
    });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'autopilot-'));
    store = new InterleavingStore(new SqliteEventStore(join(dir, 'events.db')));
    const clock = new ManualClock(new Date('2026-06-01T12:00:00Z'));
    handler = new AddAutopilotDevicesHandler(new AggregateStore(store, clock), loadSettings({}));
    elsewhere = new AddAutopilotDevicesHandler(new AggregateStore(store, clock), loadSettings({}));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('R33: a batch that loses the race for one identifier is decided again and refused, recording nothing', async () => {
    let winner: Awaited<ReturnType<typeof add>> | undefined;
    store.beforeAppend = async () => {
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
    expect((refused as Error).message).toMatch(
      /^1 of 3 devices cannot be added, so none was: devices\[1\] has the same product key as device /,
    );
    // Only the winner is recorded: no half of the batch, nothing compensating.
    expect(await recorded()).toEqual([['AutopilotDeviceAdded', 'PK-2', winner?.deviceIds[0]]]);
    expect((await add(['PK-1', 'PK-3'])).deviceIds).toHaveLength(2);
  });

  it('R33: however concurrent batches interleave, an identifier ends up on exactly one device', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, n) =>
        add([`PK-own-${n}`, 'PK-shared'], n % 2 ? handler : elsewhere),
      ),
    );
    const added = results.filter((result) => result.status === 'fulfilled');
    expect(added).toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected') {
        expect(result.reason).toMatchObject({ code: 'CONFLICT', rule: 'R33' });
      }
    }
    const [winner] = added;
    expect(await recorded()).toEqual(
      winner.value.deviceIds.map((deviceId, index) => [
        'AutopilotDeviceAdded',
        index === 0 ? expect.stringMatching(/^PK-own-/) : 'PK-shared',
        deviceId,
      ]),
    );
  });

  it('R33: concurrent batches of distinct devices are all recorded, each whole', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, n) => add([`PK-${n}-a`, `PK-${n}-b`])),
    );
    const events = await recorded();
    expect(events).toHaveLength(24);
    // Each batch's devices are adjacent in the registry: one append each.
    for (const { deviceIds } of results) {
      const at = events.findIndex(([, , deviceId]) => deviceId === deviceIds[0]);
      expect(events[at + 1][2]).toBe(deviceIds[1]);
    }
  });
});
