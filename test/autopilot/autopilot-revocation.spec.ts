import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AggregateStore } from '../../src/platform/write/aggregate-store';
import {
  AddAutopilotDevices,
  AddAutopilotDevicesHandler,
} from '../../src/autopilot/add-autopilot-devices';
import {
  CreateAutopilotProfile,
  CreateAutopilotProfileHandler,
} from '../../src/autopilot/create-autopilot-profile';
import { fencedStreamsOf } from '../../src/capabilities';
import { Revocations } from '../../src/platform/write/revocations';
import { loadSettings } from '../../src/platform/config/settings';
import type { RevocableFact } from '../../src/platform/domain/revocation-fences';
import { relationshipDecider } from '../../src/invitations/domain/relationship.decider';
import { streamIds } from '../../src/platform/domain/streams';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store';
import { ManualClock } from '../support/app';
import { deviceBatch, profileCreation } from '../support/autopilot-registry';
import { newEvent } from '../support/events';
import { customerGlobalAdmin, partnerUser } from '../support/given';
import { InterleavingStore } from '../support/interleaving-store';
import { grantContosoDap, removeContosoDap } from '../support/dap-grant';

const PARTNER = 'contoso-partners';
const CUSTOMER = 'fabrikam';
const pair = { partnerTenantId: PARTNER, customerTenantId: CUSTOMER };
const ann = partnerUser(['AdminAgent'], { tenantId: PARTNER });
const fay = customerGlobalAdmin({ tenantId: CUSTOMER });
const context = (actor = ann) => ({ actor, correlationId: randomUUID() });
const registry = streamIds.autopilot(CUSTOMER);

/**
 * The moment the fences exist for: a partner's command has read the pair's relationship and DAP
 * as active and decided on them, and a revocation runs to its end before the command's append.
 */
describe('a revocation lands between a partner’s Autopilot decision and its append, on the real store', () => {
  let dir: string;
  let store: InterleavingStore;
  let aggregates: AggregateStore;

  /** Revocations.revoke as the DAP removal and the relationship's end run it, in another process. */
  async function revoke(revoking: RevocableFact) {
    const clock = new ManualClock();
    const aggregates = new AggregateStore(store, clock);
    const revocations = new Revocations(aggregates, fencedStreamsOf, store, loadSettings(), clock);
    if (revoking === 'DELEGATED_ADMIN') {
      await removeContosoDap(revocations, fay, randomUUID());
      return;
    }
    const streamId = streamIds.relationship(PARTNER, CUSTOMER);
    const end = (atRevision: number) => ({
      type: 'EndResellerRelationship' as const,
      actor: ann,
      ...pair,
      activeProvisionedSubscriptionIds: [],
      atRevision,
    });
    const { revision } = await aggregates.load(streamId, relationshipDecider);
    const started = Number(revision) + 1;
    await aggregates.decide(streamId, relationshipDecider, end(started - 1), context());
    await revocations.revoke({
      revoking,
      pair,
      streamId,
      decider: relationshipDecider,
      command: end(started),
      context: context(),
    });
  }

  /** Lets the revocation run just before the partner's first append to the registry. */
  function revokeBeforeTheRegistryAppend(revoking: RevocableFact) {
    store.beforeAppend = async (streamId) => {
      if (streamId !== registry) return;
      store.beforeAppend = null;
      await revoke(revoking);
    };
  }

  const registryTypes = async () => (await store.readStream(registry)).map((event) => event.type);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'autopilot-revocation-'));
    store = new InterleavingStore(new SqliteEventStore(join(dir, 'events.db')));
    aggregates = new AggregateStore(store, new ManualClock());
    await store.append(
      streamIds.relationship(PARTNER, CUSTOMER),
      [
        newEvent('RelationshipEstablished', {
          ...pair,
          partnerName: 'Contoso Partners',
          customer: { tenantId: CUSTOMER, name: 'Fabrikam' },
          invitationId: 'inv-1',
        }),
      ],
      'no_stream',
    );
    await grantContosoDap(aggregates, context());
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('R35, R13: a profile decided on “DAP active” is decided again behind the removal’s fence and refused', async () => {
    const handler = new CreateAutopilotProfileHandler(
      aggregates,
      loadSettings({ AUTOPILOT_POLICY: 'dap-required' }),
    );
    revokeBeforeTheRegistryAppend('DELEGATED_ADMIN');

    const refused = handler.execute(
      new CreateAutopilotProfile(context(), profileCreation(ann, CUSTOMER, 'Kiosk')),
    );

    await expect(refused).rejects.toMatchObject({ code: 'FORBIDDEN', rule: 'R35' });
    await expect(refused).rejects.toThrow(/removed/);
    expect(await registryTypes()).toEqual(['PartnerAccessRevocationStarted']);
  });

  it('R9, R30: devices decided on “relationship active” are decided again behind the end’s fence and refused', async () => {
    const handler = new AddAutopilotDevicesHandler(aggregates, loadSettings({}));
    revokeBeforeTheRegistryAppend('RELATIONSHIP');

    const refused = handler.execute(
      new AddAutopilotDevices(
        context(),
        deviceBatch(ann, CUSTOMER, null, [{ productKey: 'PK-1' }]),
      ),
    );

    await expect(refused).rejects.toMatchObject({ code: 'FORBIDDEN', rule: 'R30' });
    expect(await registryTypes()).toEqual(['PartnerAccessRevocationStarted']);
  });

  it('R12: under the current policy a DAP removal leaves the partner’s Autopilot rights: the profile is recorded after the fence', async () => {
    const handler = new CreateAutopilotProfileHandler(aggregates, loadSettings({}));
    revokeBeforeTheRegistryAppend('DELEGATED_ADMIN');

    await handler.execute(
      new CreateAutopilotProfile(context(), profileCreation(ann, CUSTOMER, 'Kiosk')),
    );

    expect(await registryTypes()).toEqual([
      'PartnerAccessRevocationStarted',
      'AutopilotProfileCreated',
    ]);
  });
});
