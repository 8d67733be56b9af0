import { streamIds } from '../../src/platform/domain/streams';
import { EVENT_STORE, type EventStore } from '../../src/platform/event-store/event-store';
import { appForSuite, describeOnBothStores } from '../support/app';
import { AUTOPILOT, headPosition, relate } from '../support/autopilot';
import { people } from '../support/tenants';

const HISTORY = `query ($streamId: String!) { history(streamId: $streamId) { type data stateAfter } }`;
const REGISTRY = streamIds.autopilot('fabrikam');

interface Device {
  id: string;
  productKey: string | null;
  profileId: string | null;
}

describeOnBothStores('one Autopilot registry per tenant', (onEsdb) => {
  const app = appForSuite({ onEsdbDouble: onEsdb });
  let store: EventStore;
  let tokens: Record<'ann' | 'sam' | 'fay', string>;

  const devices = async (): Promise<Device[]> =>
    (await app.gql(tokens.fay, AUTOPILOT.devices, { customer: 'fabrikam' })).data.autopilotDevices;
  const add = (token: string, productKeys: string[], source?: string) =>
    app.gql(token, AUTOPILOT.add, {
      input: {
        customerTenantId: 'fabrikam',
        source,
        devices: productKeys.map((productKey) => ({ productKey })),
      },
    });
  const recordedTypes = async () =>
    new Set((await store.readStream(REGISTRY)).map((event) => event.type));

  beforeAll(async () => {
    store = app.app.get<EventStore>(EVENT_STORE);
    tokens = {
      ann: await app.token(people.ann),
      sam: await app.token(people.sam),
      fay: await app.token(people.fay),
    };
    await relate(app, tokens.ann, true);
  });

  it('R33: concurrent batches sharing an identifier: exactly one device holds it, and nothing compensating is recorded', async () => {
    for (let round = 0; round < 3; round++) {
      const shared = `PK-shared-${round}`;
      const callers = [tokens.ann, tokens.sam, tokens.fay];
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, n) => {
          const token = callers[n % callers.length];
          return add(
            token,
            [`PK-${round}-own-${n}`, shared],
            token === tokens.fay ? 'INTUNE' : undefined,
          );
        }),
      );
      const added = answers.filter((answer) => !answer.errors);
      expect(added).toHaveLength(1);
      for (const refused of answers.filter((answer) => answer.errors)) {
        expect(refused.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', rule: 'R33' });
      }
      const holders = (await devices()).filter((device) => device.productKey === shared);
      expect(holders.map((device) => device.id)).toEqual([added[0].data.addAutopilotDevices[1].id]);
      const withShared = (await store.readStream(REGISTRY)).filter(
        (event) =>
          (event.data as { identity?: { productKey?: string } }).identity?.productKey === shared,
      );
      expect(withShared).toHaveLength(1);
    }
    expect(await recordedTypes()).toEqual(new Set(['AutopilotDeviceAdded']));
  });

  it('R34: after a profile is deleted, the registry’s history, the read model and the commands agree that its devices run none', async () => {
    const created = await app.gql(tokens.ann, AUTOPILOT.create, {
      input: { customerTenantId: 'fabrikam', name: 'Kiosk' },
    });
    const profileId: string = created.data.createAutopilotProfile.id;
    const batch = await add(tokens.ann, ['PK-R34-1', 'PK-R34-2', 'PK-R34-3']);
    const [first, second, third] = (batch.data.addAutopilotDevices as Device[]).map((d) => d.id);
    for (const deviceId of [first, second]) {
      const assigned = await app.gql(tokens.ann, AUTOPILOT.assign, {
        input: { deviceId, profileId },
      });
      expect(assigned.errors).toBeUndefined();
    }

    expect((await app.gql(tokens.ann, AUTOPILOT.delete, { id: profileId })).errors).toBeUndefined();

    const history = await app.gql(tokens.fay, HISTORY, { streamId: REGISTRY });
    expect(history.errors).toBeUndefined();
    const deletion = history.data.history.at(-1);
    expect(deletion.type).toBe('AutopilotProfileDeleted');
    expect(deletion.data.unassignedDeviceIds).toEqual([first, second].sort());
    expect(deletion.stateAfter.profiles).toEqual({ [profileId]: null });
    expect(deletion.stateAfter.devices).toEqual({
      [first]: expect.objectContaining({ profileId: null }),
      [second]: expect.objectContaining({ profileId: null }),
    });
    const shown = (await devices()).filter((device) => [first, second, third].includes(device.id));
    expect(shown.map((device) => device.profileId)).toEqual([null, null, null]);

    // The commands agree: nothing to unassign (refused, nothing recorded), and the profile is gone.
    const before = await headPosition(app);
    const unassigned = await app.gql(tokens.ann, AUTOPILOT.unassign, { id: first });
    expect(unassigned.errors?.[0].extensions).toEqual({
      code: 'PRECONDITION_FAILED',
      rule: 'R34',
    });
    expect(await headPosition(app)).toBe(before);
    const reassigned = await app.gql(tokens.ann, AUTOPILOT.assign, {
      input: { deviceId: third, profileId },
    });
    expect(reassigned.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('R17: an id of another tenant’s registry is NOT_FOUND, a malformed one INVALID_INPUT; nothing recorded', async () => {
    const before = await headPosition(app);
    const wes = await app.token(people.wes);
    const [device] = await devices();
    for (const [token, id, code] of [
      [tokens.ann, 'not-an-autopilot-id', 'INVALID_INPUT'],
      [tokens.ann, `${device.id.split('@')[0]}@woodgrove`, 'NOT_FOUND'],
      [wes, device.id, 'NOT_FOUND'],
    ]) {
      const removed = await app.gql(token, AUTOPILOT.remove, { id });
      expect(removed.errors?.[0].extensions?.code).toBe(code);
    }
    expect(await headPosition(app)).toBe(before);
  });
});
