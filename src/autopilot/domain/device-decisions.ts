import { assertMayAutopilot, assertMaySeeAutopilot, type AutopilotFacts } from './autopilot-access';
import { notFound, preconditionFailed } from '../../platform/domain/domain-error';
import type { AutopilotCommandOf } from './commands';
import { actingPartnerOf, type AutopilotEvent } from './events';
import type { AutopilotRegistryState, RegisteredDevice } from './registry';

type DeviceCommand = AutopilotCommandOf<
  'AssignAutopilotProfile' | 'UnassignAutopilotProfile' | 'RemoveAutopilotDevice'
>;

/**
 * A registered device the caller may see, or NOT_FOUND; and the scope its events carry. Whether it
 * may see the registry is asked first, as for a profile (R17).
 */
function visibleDevice(
  state: AutopilotRegistryState,
  command: DeviceCommand,
  facts: AutopilotFacts,
): {
  device: RegisteredDevice;
  scope: { deviceId: string; customerTenantId: string; partnerTenantId: string | null };
} {
  assertMaySeeAutopilot(command.actor, command.customerTenantId, facts);
  const device = state.devices.get(command.deviceId);
  if (!device) throw notFound('No such Autopilot device.');
  const { deviceId, customerTenantId, actor } = command;
  return { device, scope: { deviceId, customerTenantId, partnerTenantId: actingPartnerOf(actor) } };
}

/** R30, R32, R35: a partner Admin Agent has a device run a profile (replacing any other). */
export function assignProfile(
  command: AutopilotCommandOf<'AssignAutopilotProfile'>,
  state: AutopilotRegistryState,
  facts: AutopilotFacts,
): AutopilotEvent[] {
  const { device, scope } = visibleDevice(state, command, facts);
  if (!state.profiles.has(command.profileId)) {
    throw notFound('No such Autopilot profile in this customer’s tenant.');
  }
  const act = { kind: 'ASSIGN_PROFILE', addedBy: device.addedBy } as const;
  assertMayAutopilot(command.actor, scope.customerTenantId, act, facts);
  if (device.profileId === command.profileId) return [];
  return [{ type: 'AutopilotProfileAssigned', data: { ...scope, profileId: command.profileId } }];
}

/** R34: removing the profile from a device leaves the profile itself alone. */
export function unassignProfile(
  command: AutopilotCommandOf<'UnassignAutopilotProfile'>,
  state: AutopilotRegistryState,
  facts: AutopilotFacts,
): AutopilotEvent[] {
  const { device, scope } = visibleDevice(state, command, facts);
  const act = { kind: 'UNASSIGN_PROFILE', addedBy: device.addedBy } as const;
  assertMayAutopilot(command.actor, scope.customerTenantId, act, facts);
  // Refused, not a silent success: allowedOperations offers UNASSIGN_PROFILE only then (R36).
  if (!device.profileId) {
    throw preconditionFailed(
      'R34',
      'This device runs no Autopilot profile: there is none to remove.',
    );
  }
  return [{ type: 'AutopilotProfileUnassigned', data: { ...scope, profileId: device.profileId } }];
}

/** R32, R35: the device leaves the tenant; its identifiers are free again (R33). */
export function removeDevice(
  command: AutopilotCommandOf<'RemoveAutopilotDevice'>,
  state: AutopilotRegistryState,
  facts: AutopilotFacts,
): AutopilotEvent[] {
  const { device, scope } = visibleDevice(state, command, facts);
  const act = { kind: 'REMOVE_DEVICE', addedBy: device.addedBy } as const;
  assertMayAutopilot(command.actor, scope.customerTenantId, act, facts);
  return [{ type: 'AutopilotDeviceRemoved', data: scope }];
}
