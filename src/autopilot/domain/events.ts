import type { EventSchemas } from '../../platform/domain/event-evolution';
import type { PartnerAccessRevocationStarted } from '../../platform/domain/revocation-fences';
import type { Actor } from '../../platform/domain/actor';

export const AUTOPILOT_SETTINGS = [
  'SKIP_PRIVACY_SETTINGS',
  'SKIP_EULA',
  'DISABLE_LOCAL_ADMIN',
  'SKIP_EXPRESS_SETTINGS',
  'SKIP_OEM_REGISTRATION',
  'REMOVE_OEM_PREINSTALLS',
] as const;
export type AutopilotSetting = (typeof AUTOPILOT_SETTINGS)[number];

export const DEVICE_SOURCES = [
  'PARTNER',
  'STORE_FOR_BUSINESS',
  'STORE_FOR_EDUCATION',
  'INTUNE',
] as const;
export type DeviceSource = (typeof DEVICE_SOURCES)[number];
export type CustomerDeviceSource = Exclude<DeviceSource, 'PARTNER'>;
export const CUSTOMER_DEVICE_SOURCES: readonly CustomerDeviceSource[] = [
  'STORE_FOR_BUSINESS',
  'STORE_FOR_EDUCATION',
  'INTUNE',
];

/** R31: who added a device. `partnerTenantId` is set exactly when the source is PARTNER. */
export interface DeviceOrigin {
  source: DeviceSource;
  partnerTenantId: string | null;
}

/** The identifiers a device was registered with (R33); absent ones are omitted. */
export interface DeviceIdentity {
  hardwareHash?: string;
  productKey?: string;
  serialNumber?: string;
  manufacturer?: string;
  model?: string;
}

/** Which R33 identifier a device is recognised by. */
export type DeviceKeyKind = 'HARDWARE_HASH' | 'PRODUCT_KEY' | 'SERIAL_MANUFACTURER_MODEL';

/** Every event names its customer, and the acting partner (null when the customer acted). */
interface Scope {
  customerTenantId: string;
  partnerTenantId: string | null;
}

/** The `partnerTenantId` of the events `actor` causes. */
export const actingPartnerOf = (actor: Actor): string | null =>
  actor.tenantKind === 'partner' ? actor.tenantId : null;

export interface ProfileContent {
  name: string;
  description: string | null;
  settings: AutopilotSetting[];
}

/**
 * Stream `autopilot-<customerTenantId>`: the tenant's Autopilot registry, one consistency boundary
 * for its profiles, devices and identifiers (R30–R35), with the fences revocations set for its
 * partners (PartnerAccessRevocationStarted).
 */
export type AutopilotEvent =
  | { type: 'AutopilotProfileCreated'; data: Scope & ProfileContent & { profileId: string } }
  | { type: 'AutopilotProfileUpdated'; data: Scope & ProfileContent & { profileId: string } }
  | {
      type: 'AutopilotProfileDeleted';
      /** R34: the devices that ran the profile and run none from now on (schema version 2). */
      data: Scope & { profileId: string; unassignedDeviceIds: string[] };
    }
  | {
      type: 'AutopilotDeviceAdded';
      data: Scope & { deviceId: string; identity: DeviceIdentity; addedBy: DeviceOrigin };
    }
  | { type: 'AutopilotProfileAssigned'; data: Scope & { deviceId: string; profileId: string } }
  | { type: 'AutopilotProfileUnassigned'; data: Scope & { deviceId: string; profileId: string } }
  /** The device leaves the tenant, and its identifiers are free again (R33). */
  | { type: 'AutopilotDeviceRemoved'; data: Scope & { deviceId: string } }
  | PartnerAccessRevocationStarted;

export type AutopilotEventOf<Type extends AutopilotEvent['type']> = Extract<
  AutopilotEvent,
  { type: Type }
>;

/** The schema version of each event this room records (the fence is the platform's). */
export const AUTOPILOT_EVENTS = {
  AutopilotProfileCreated: { version: 1 },
  AutopilotProfileUpdated: { version: 1 },
  AutopilotProfileDeleted: {
    version: 2,
    // Version 1 named no devices: the registry did not exist, and readers cleared by profile id.
    upcasters: { 1: (data) => ({ ...data, unassignedDeviceIds: [] }) },
  },
  AutopilotDeviceAdded: { version: 1 },
  AutopilotProfileAssigned: { version: 1 },
  AutopilotProfileUnassigned: { version: 1 },
  AutopilotDeviceRemoved: { version: 1 },
} satisfies EventSchemas<Exclude<AutopilotEvent, PartnerAccessRevocationStarted>>;
