import { assertMayAutopilot, assertMaySeeAutopilot } from '../access/autopilot-access';
import type { Actor } from '../shared/actor';
import { assertNever, type Decider, unhandled } from '../shared/decider';
import { conflict, notFound } from '../shared/domain-error';
import type { AutopilotDeviceCommand } from './commands';
import type { AutopilotDeviceEvent, DeviceIdentity, DeviceOrigin } from './events';

export interface AutopilotDeviceState {
  status: 'NONE' | 'REGISTERED' | 'REMOVED';
  deviceId: string | null;
  customerTenantId: string | null;
  identity: DeviceIdentity;
  addedBy: DeviceOrigin | null;
  /** The profile last assigned; it counts only while that profile exists (R34). */
  profileId: string | null;
}

type Of<T extends AutopilotDeviceCommand['type']> = Extract<AutopilotDeviceCommand, { type: T }>;
type Acting = Of<'AssignAutopilotProfile' | 'UnassignAutopilotProfile' | 'RemoveAutopilotDevice'>;

const partnerOf = (actor: Actor): string | null =>
  actor.tenantKind === 'partner' ? actor.tenantId : null;

/** A registered device the caller may see, or NOT_FOUND. */
function visible(state: AutopilotDeviceState, command: Acting) {
  const { deviceId, customerTenantId, addedBy } = state;
  if (state.status !== 'REGISTERED' || !deviceId || !customerTenantId || !addedBy) {
    throw notFound('No such Autopilot device.');
  }
  assertMaySeeAutopilot(command.actor, customerTenantId, command.facts);
  const scope = { deviceId, customerTenantId, partnerTenantId: partnerOf(command.actor) };
  return { scope, addedBy };
}

function register(command: Of<'RegisterAutopilotDevice'>, state: AutopilotDeviceState) {
  if (state.status !== 'NONE') throw conflict(`Device ${command.deviceId} already exists.`, 'R33');
  const { deviceId, customerTenantId, partnerTenantId, identity, addedBy } = command;
  const event: AutopilotDeviceEvent = {
    type: 'AutopilotDeviceAdded',
    data: { deviceId, customerTenantId, partnerTenantId, identity, addedBy },
  };
  return [event];
}

function assign(command: Of<'AssignAutopilotProfile'>, state: AutopilotDeviceState) {
  const { scope, addedBy } = visible(state, command);
  const { profile } = command;
  if (!profile.active || profile.customerTenantId !== scope.customerTenantId) {
    throw notFound('No such Autopilot profile in this customer’s tenant.');
  }
  const kind = 'ASSIGN_PROFILE';
  assertMayAutopilot(command.actor, scope.customerTenantId, { kind, addedBy }, command.facts);
  if (state.profileId === profile.profileId) return [];
  const event: AutopilotDeviceEvent = {
    type: 'AutopilotProfileAssigned',
    data: { ...scope, profileId: profile.profileId },
  };
  return [event];
}

/** R34: removing the profile from a device leaves the profile itself alone. */
function unassign(command: Of<'UnassignAutopilotProfile'>, state: AutopilotDeviceState) {
  const { scope, addedBy } = visible(state, command);
  const kind = 'UNASSIGN_PROFILE';
  assertMayAutopilot(command.actor, scope.customerTenantId, { kind, addedBy }, command.facts);
  if (!state.profileId || !command.assignedProfileActive) return [];
  const event: AutopilotDeviceEvent = {
    type: 'AutopilotProfileUnassigned',
    data: { ...scope, profileId: state.profileId },
  };
  return [event];
}

function remove(command: Of<'RemoveAutopilotDevice'>, state: AutopilotDeviceState) {
  const { scope, addedBy } = visible(state, command);
  const kind = 'REMOVE_DEVICE';
  assertMayAutopilot(command.actor, scope.customerTenantId, { kind, addedBy }, command.facts);
  const event: AutopilotDeviceEvent = { type: 'AutopilotDeviceRemoved', data: scope };
  return [event];
}

/** One Autopilot device (R31–R35): who added it, the profile it runs, whether it was removed. */
export const autopilotDeviceDecider: Decider<
  AutopilotDeviceCommand,
  AutopilotDeviceEvent,
  AutopilotDeviceState
> = {
  initialState: {
    status: 'NONE',
    deviceId: null,
    customerTenantId: null,
    identity: {},
    addedBy: null,
    profileId: null,
  },

  evolve(state, event) {
    switch (event.type) {
      case 'AutopilotDeviceAdded': {
        const { deviceId, customerTenantId, identity, addedBy } = event.data;
        return { ...state, status: 'REGISTERED', deviceId, customerTenantId, identity, addedBy };
      }
      case 'AutopilotProfileAssigned':
        return { ...state, profileId: event.data.profileId };
      case 'AutopilotProfileUnassigned':
        return { ...state, profileId: null };
      case 'AutopilotDeviceRemoved':
        return { ...state, status: 'REMOVED' };
      default:
        return unhandled(state, event);
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'RegisterAutopilotDevice':
        return register(command, state);
      case 'AssignAutopilotProfile':
        return assign(command, state);
      case 'UnassignAutopilotProfile':
        return unassign(command, state);
      case 'RemoveAutopilotDevice':
        return remove(command, state);
      default:
        return assertNever(command);
    }
  },
};
