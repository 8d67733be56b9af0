import type { AutopilotFacts } from '../../src/autopilot/domain/autopilot-access';
import type { PairSnapshot } from '../../src/platform/domain/revocation-fences';
import { randomUUID } from 'node:crypto';
import { autopilotId } from '../../src/autopilot/domain/autopilot-ids';
import type { AutopilotCaller, AutopilotRequestOf } from '../../src/autopilot/domain/commands';
import type { DeviceIdentityInput } from '../../src/autopilot/domain/device-identity';
import type { DeviceSource } from '../../src/autopilot/domain/events';
import type { Actor } from '../../src/platform/domain/actor';

/** The pair's streams as a handler would read them, both at `revision`. */
export const pairSnapshot = (
  { relationshipActive, dapStatus }: Pick<AutopilotFacts, 'relationshipActive' | 'dapStatus'>,
  revision = 0,
): PairSnapshot => ({
  relationship: { active: relationshipActive, revision },
  dap: { status: dapStatus, revision },
});

/** What a handler puts in a registry command: a partner's pair as `facts` say, else none. */
export const callerOf = (
  actor: Actor,
  customerTenantId: string,
  facts: AutopilotFacts,
): AutopilotCaller => ({
  actor,
  customerTenantId,
  pair: actor.tenantKind === 'partner' ? pairSnapshot(facts) : null,
  policy: facts.policy,
});

/** CreateAutopilotProfile as its resolver builds it: a fresh profile id in the registry. */
export const profileCreation = (
  actor: Actor,
  customerTenantId: string,
  name: string,
): AutopilotRequestOf<'CreateAutopilotProfile'> => ({
  type: 'CreateAutopilotProfile',
  actor,
  customerTenantId,
  profileId: autopilotId(customerTenantId, randomUUID()),
  name,
  description: null,
  settings: null,
});

/** AddAutopilotDevices as its resolver builds it: a fresh device id per device. */
export const deviceBatch = (
  actor: Actor,
  customerTenantId: string,
  source: DeviceSource | null,
  devices: readonly DeviceIdentityInput[],
): AutopilotRequestOf<'AddAutopilotDevices'> => ({
  type: 'AddAutopilotDevices',
  actor,
  customerTenantId,
  source,
  devices,
  deviceIds: devices.map(() => autopilotId(customerTenantId, randomUUID())),
});
