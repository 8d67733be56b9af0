import type { AutopilotPolicy } from './autopilot-access';
import type { PairSnapshot } from '../../platform/domain/revocation-fences';
import type { Actor } from '../../platform/domain/actor';
import type { DeviceIdentityInput } from './device-identity';
import type { AutopilotSetting, DeviceSource } from './events';

/** Set fields change; `undefined` leaves a field as it is, `null` clears it. */
export interface ProfileChanges {
  name?: string | null;
  description?: string | null;
  settings?: readonly AutopilotSetting[] | null;
}

/** What one caller asks of a customer's Autopilot registry. */
export type AutopilotRequest =
  | {
      type: 'CreateAutopilotProfile';
      /** A new id in this registry (autopilot-ids.ts). */
      profileId: string;
      name: string;
      description: string | null;
      settings: readonly AutopilotSetting[] | null;
    }
  | { type: 'UpdateAutopilotProfile'; profileId: string; changes: ProfileChanges }
  | { type: 'DeleteAutopilotProfile'; profileId: string }
  | {
      type: 'AddAutopilotDevices';
      source: DeviceSource | null;
      devices: readonly DeviceIdentityInput[];
      /** One new id in this registry per device, in order. */
      deviceIds: readonly string[];
    }
  | { type: 'AssignAutopilotProfile'; deviceId: string; profileId: string }
  | { type: 'UnassignAutopilotProfile'; deviceId: string }
  | { type: 'RemoveAutopilotDevice'; deviceId: string };

/** Who asks, and of which customer tenant's registry. */
export interface RegistryAddress {
  actor: Actor;
  customerTenantId: string;
}

/** One use case's domain command, as the resolver builds it from the GraphQL input. */
export type AutopilotRequestOf<Type extends AutopilotRequest['type']> = RegistryAddress &
  Extract<AutopilotRequest, { type: Type }>;

/** What the handler adds before the decider sees the command. */
export interface RegistryReads {
  /**
   * The pair's Relationship and DapGrant streams as the handler read them, for a partner caller
   * (null for anyone else). The decider sees them behind the partner's fence in the registry.
   */
  pair: PairSnapshot | null;
  /** AUTOPILOT_POLICY, from the settings. */
  policy: AutopilotPolicy;
}

/** Who asks, of which tenant's registry, and what the access rules need besides the registry. */
export type AutopilotCaller = RegistryAddress & RegistryReads;

export type AutopilotCommand = AutopilotCaller & AutopilotRequest;

export type AutopilotCommandOf<Type extends AutopilotRequest['type']> = RegistryReads &
  AutopilotRequestOf<Type>;
