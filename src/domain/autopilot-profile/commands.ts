import type { AutopilotFacts } from '../access/autopilot-access';
import type { Actor } from '../shared/actor';
import type { DeviceIdentityInput } from './device-identity';
import type {
  AutopilotSetting,
  DeviceIdentity,
  DeviceKeyKind,
  DeviceKeyReleaseReason,
  DeviceOrigin,
  DeviceSource,
} from './events';

/** Set fields change; `undefined` leaves a field as it is, `null` clears it. */
export interface ProfileChanges {
  name?: string | null;
  description?: string | null;
  settings?: readonly AutopilotSetting[] | null;
}

/** `facts` are read by the handler from the pair's Relationship and DapGrant streams and settings. */
export type AutopilotProfileCommand =
  | {
      type: 'CreateAutopilotProfile';
      actor: Actor;
      facts: AutopilotFacts;
      profileId: string;
      customerTenantId: string;
      name: string;
      description: string | null;
      settings: readonly AutopilotSetting[] | null;
    }
  | { type: 'UpdateAutopilotProfile'; actor: Actor; facts: AutopilotFacts; changes: ProfileChanges }
  | { type: 'DeleteAutopilotProfile'; actor: Actor; facts: AutopilotFacts };

/** What a device command needs to know of a profile, read from the profile's stream. */
export interface ProfileFacts {
  profileId: string;
  /** Null when the profile does not exist. */
  customerTenantId: string | null;
  active: boolean;
}

export type AutopilotDeviceCommand =
  | {
      /** The device half of an accepted batch (see device-batch.ts, which holds the rules). */
      type: 'RegisterAutopilotDevice';
      deviceId: string;
      customerTenantId: string;
      partnerTenantId: string | null;
      identity: DeviceIdentity;
      addedBy: DeviceOrigin;
    }
  | { type: 'AssignAutopilotProfile'; actor: Actor; facts: AutopilotFacts; profile: ProfileFacts }
  | {
      type: 'UnassignAutopilotProfile';
      actor: Actor;
      facts: AutopilotFacts;
      /** Whether the profile the device points at still exists (R34). */
      assignedProfileActive: boolean;
    }
  | { type: 'RemoveAutopilotDevice'; actor: Actor; facts: AutopilotFacts };

export type DeviceKeyCommand =
  | {
      type: 'ReserveDeviceKey';
      customerTenantId: string;
      partnerTenantId: string | null;
      keyKind: DeviceKeyKind;
      deviceId: string;
      /** A holder that no longer holds in effect (removed, or abandoned): its stale reservation is taken over. */
      takeOverFrom: string | null;
    }
  | {
      type: 'ReleaseDeviceKey';
      customerTenantId: string;
      partnerTenantId: string | null;
      keyKind: DeviceKeyKind;
      deviceId: string;
      reason: DeviceKeyReleaseReason;
    };

/** Who holds one identifier now, as the handler read it from the key's stream. */
export interface KeyHolder {
  deviceId: string;
  /** The holder device's own state: NONE if the batch that reserved the key never registered it. */
  deviceStatus: 'NONE' | 'REGISTERED' | 'REMOVED';
  /** When the key was reserved for it. */
  reservedAt: Date;
  identity: DeviceIdentity;
}

export interface AddAutopilotDevices {
  actor: Actor;
  facts: AutopilotFacts;
  customerTenantId: string;
  source: DeviceSource | null;
  devices: readonly DeviceIdentityInput[];
  /** One fresh id per device, in order. */
  deviceIds: readonly string[];
  /** The current holder of every identifier key the devices carry (null: free). */
  holders: ReadonlyMap<string, KeyHolder | null>;
  now: Date;
}
