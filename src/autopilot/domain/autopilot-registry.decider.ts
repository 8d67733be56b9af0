import type { AutopilotFacts } from './autopilot-access';
import { factsBehindFence } from '../../platform/domain/revocation-fences';
import { assertNever, type Decider } from '../../platform/domain/decider';
import type { AutopilotCaller, AutopilotCommand } from './commands';
import { addDevices } from './device-batch';
import { assignProfile, removeDevice, unassignProfile } from './device-decisions';
import type { AutopilotEvent } from './events';
import { createProfile, deleteProfile, updateProfile } from './profile-decisions';
import { type AutopilotRegistryState, emptyRegistry, evolveRegistry } from './registry';
import { registryViewAfter } from './registry-view';

/**
 * R9, R30, R35: what the access rules may take as true for this caller now. A partner's
 * relationship and DAP live on other streams; a revocation fences this registry before it is
 * recorded, so they count only as they stand behind that partner's fence here.
 */
export function autopilotFactsOf(
  caller: AutopilotCaller,
  state: AutopilotRegistryState,
  now?: Date,
): AutopilotFacts {
  const { actor, pair, policy } = caller;
  if (actor.tenantKind !== 'partner' || pair === null) {
    return { relationshipActive: false, dapStatus: 'NONE', policy };
  }
  return { ...factsBehindFence(pair, state.fences.get(actor.tenantId), now), policy };
}

/**
 * One customer tenant's Autopilot registry (R30–R36): every Autopilot command of the tenant, by
 * partners or the customer, is decided here and appended with this stream's expected revision,
 * so each is atomic and ordered against the others and against revocations' fences.
 */
export const autopilotRegistryDecider: Decider<
  AutopilotCommand,
  AutopilotEvent,
  AutopilotRegistryState
> & { viewAfter: typeof registryViewAfter } = {
  initialState: emptyRegistry,
  evolve: evolveRegistry,
  viewAfter: registryViewAfter,

  decide(command, state, now) {
    const facts = autopilotFactsOf(command, state, now);
    switch (command.type) {
      case 'CreateAutopilotProfile':
        return createProfile(command, state, facts);
      case 'UpdateAutopilotProfile':
        return updateProfile(command, state, facts);
      case 'DeleteAutopilotProfile':
        return deleteProfile(command, state, facts);
      case 'AddAutopilotDevices':
        return addDevices(command, state, facts);
      case 'AssignAutopilotProfile':
        return assignProfile(command, state, facts);
      case 'UnassignAutopilotProfile':
        return unassignProfile(command, state, facts);
      case 'RemoveAutopilotDevice':
        return removeDevice(command, state, facts);
      default:
        return assertNever(command);
    }
  },
};
