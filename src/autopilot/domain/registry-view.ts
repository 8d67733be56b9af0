import { assertNever } from '../../platform/domain/decider';
import type { AutopilotEvent } from './events';
import type { AutopilotRegistryState } from './registry';

/** The profile and devices an event is about. */
function namedBy(event: AutopilotEvent | undefined): { profileIds: string[]; deviceIds: string[] } {
  if (!event) return { profileIds: [], deviceIds: [] };
  switch (event.type) {
    case 'AutopilotProfileCreated':
    case 'AutopilotProfileUpdated':
      return { profileIds: [event.data.profileId], deviceIds: [] };
    case 'AutopilotProfileDeleted':
      return { profileIds: [event.data.profileId], deviceIds: event.data.unassignedDeviceIds };
    case 'AutopilotProfileAssigned':
    case 'AutopilotProfileUnassigned':
      return { profileIds: [event.data.profileId], deviceIds: [event.data.deviceId] };
    case 'AutopilotDeviceAdded':
    case 'AutopilotDeviceRemoved':
      return { profileIds: [], deviceIds: [event.data.deviceId] };
    case 'PartnerAccessRevocationStarted':
      return { profileIds: [], deviceIds: [] };
    default:
      return assertNever(event);
  }
}

/**
 * What `history` shows of the registry after `event`: its totals and fences, and the profile and
 * devices the event names as they stand then (null: gone). A tenant may hold thousands of
 * devices; the whole registry after each of its events would grow with the square of its size.
 */
export function registryViewAfter(
  state: AutopilotRegistryState,
  event: AutopilotEvent | undefined,
): unknown {
  const { profileIds, deviceIds } = namedBy(event);
  return {
    totals: { profiles: state.profiles.size, devices: state.devices.size },
    fences: state.fences.toJSON(),
    profiles: Object.fromEntries(profileIds.map((id) => [id, state.profiles.get(id) ?? null])),
    devices: Object.fromEntries(
      deviceIds.map((id) => {
        const device = state.devices.get(id);
        return [
          id,
          device
            ? { addedBy: device.addedBy, profileId: device.profileId, label: device.label }
            : null,
        ];
      }),
    ),
  };
}
