import { Map as ImmutableMap } from 'immutable';
import { type Fence, fenced } from '../../platform/domain/revocation-fences';
import { unhandled } from '../../platform/domain/decider';
import { describeDevice, deviceKeys } from './device-identity';
import type { AutopilotEvent, AutopilotEventOf, DeviceOrigin, ProfileContent } from './events';

export interface RegisteredDevice {
  /** R31: who added it. */
  addedBy: DeviceOrigin;
  /** The profile it runs (R34: never a deleted one). */
  profileId: string | null;
  /** Digests of its R33 identifiers, held while it is registered. */
  identifiers: readonly string[];
  /** How refusals name it: serial number, product key or the start of its hardware hash. */
  label: string;
}

/**
 * One customer tenant's Autopilot (stream `autopilot-<customerTenantId>`). Persistent maps keep a
 * fold cheap for thousands of devices: each event changes a path of the maps, never copies them,
 * and states stay immutable, as the AggregateStore's cache relies on.
 */
export interface AutopilotRegistryState {
  /** Profiles that exist; a deleted one is gone. */
  profiles: ImmutableMap<string, ProfileContent>;
  /** Devices that are registered; a removed one is gone. */
  devices: ImmutableMap<string, RegisteredDevice>;
  /** R33: which device holds each identifier of the tenant, by digest. */
  identifiers: ImmutableMap<string, string>;
  /** Per partner tenant, the revocations begun against it (access/revocation-fences.ts). */
  fences: ImmutableMap<string, Fence>;
}

export const emptyRegistry: AutopilotRegistryState = {
  profiles: ImmutableMap(),
  devices: ImmutableMap(),
  identifiers: ImmutableMap(),
  fences: ImmutableMap(),
};

function withDevice(
  state: AutopilotRegistryState,
  deviceId: string,
  change: (device: RegisteredDevice) => RegisteredDevice,
): AutopilotRegistryState {
  const device = state.devices.get(deviceId);
  return device ? { ...state, devices: state.devices.set(deviceId, change(device)) } : state;
}

function deviceAdded(
  state: AutopilotRegistryState,
  { data }: AutopilotEventOf<'AutopilotDeviceAdded'>,
): AutopilotRegistryState {
  const identifiers = deviceKeys(data.identity).map((key) => key.digest);
  const device: RegisteredDevice = {
    addedBy: data.addedBy,
    profileId: null,
    identifiers,
    label: describeDevice(data.identity),
  };
  return {
    ...state,
    devices: state.devices.set(data.deviceId, device),
    identifiers: identifiers.reduce((held, key) => held.set(key, data.deviceId), state.identifiers),
  };
}

/** R33: a removed device frees its identifiers in the same event. */
function deviceRemoved(
  state: AutopilotRegistryState,
  { data }: AutopilotEventOf<'AutopilotDeviceRemoved'>,
): AutopilotRegistryState {
  const device = state.devices.get(data.deviceId);
  if (!device) return state;
  return {
    ...state,
    devices: state.devices.delete(data.deviceId),
    identifiers: device.identifiers.reduce(
      (held, key) => (held.get(key) === data.deviceId ? held.delete(key) : held),
      state.identifiers,
    ),
  };
}

/** R34: the devices the deletion names run no profile from now on. */
function profileDeleted(
  state: AutopilotRegistryState,
  { data }: AutopilotEventOf<'AutopilotProfileDeleted'>,
): AutopilotRegistryState {
  const devices = state.devices.withMutations((all) => {
    for (const deviceId of data.unassignedDeviceIds) {
      const device = all.get(deviceId);
      if (device?.profileId === data.profileId) all.set(deviceId, { ...device, profileId: null });
    }
  });
  return { ...state, profiles: state.profiles.delete(data.profileId), devices };
}

export function evolveRegistry(
  state: AutopilotRegistryState,
  event: AutopilotEvent,
): AutopilotRegistryState {
  switch (event.type) {
    case 'AutopilotProfileCreated':
    case 'AutopilotProfileUpdated': {
      const { profileId, name, description, settings } = event.data;
      return { ...state, profiles: state.profiles.set(profileId, { name, description, settings }) };
    }
    case 'AutopilotProfileDeleted':
      return profileDeleted(state, event);
    case 'AutopilotDeviceAdded':
      return deviceAdded(state, event);
    case 'AutopilotProfileAssigned':
      return withDevice(state, event.data.deviceId, (device) => ({
        ...device,
        profileId: event.data.profileId,
      }));
    case 'AutopilotProfileUnassigned':
      return withDevice(state, event.data.deviceId, (device) => ({ ...device, profileId: null }));
    case 'AutopilotDeviceRemoved':
      return deviceRemoved(state, event);
    case 'PartnerAccessRevocationStarted': {
      const partner = event.data.partnerTenantId;
      const fence = fenced(state.fences.get(partner) ?? {}, event);
      return { ...state, fences: state.fences.set(partner, fence) };
    }
    default:
      return unhandled(state, event);
  }
}
