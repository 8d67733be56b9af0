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

/** Which R33 identifier a reservation stream guards. */
export type DeviceKeyKind = 'HARDWARE_HASH' | 'PRODUCT_KEY' | 'SERIAL_MANUFACTURER_MODEL';

/** Every event names its customer, and the acting partner (null when the customer acted). */
interface Scope {
  customerTenantId: string;
  partnerTenantId: string | null;
}

export interface ProfileContent {
  name: string;
  description: string | null;
  settings: AutopilotSetting[];
}

/** Stream `autopilotprofile-<profileId>`: one profile's life. */
export type AutopilotProfileEvent =
  | { type: 'AutopilotProfileCreated'; data: Scope & ProfileContent & { profileId: string } }
  | { type: 'AutopilotProfileUpdated'; data: Scope & ProfileContent & { profileId: string } }
  | { type: 'AutopilotProfileDeleted'; data: Scope & { profileId: string } };

/** Stream `autopilotdevice-<deviceId>`: one device, its origin and the profile it runs. */
export type AutopilotDeviceEvent =
  | {
      type: 'AutopilotDeviceAdded';
      data: Scope & { deviceId: string; identity: DeviceIdentity; addedBy: DeviceOrigin };
    }
  | { type: 'AutopilotProfileAssigned'; data: Scope & { deviceId: string; profileId: string } }
  | { type: 'AutopilotProfileUnassigned'; data: Scope & { deviceId: string; profileId: string } }
  | { type: 'AutopilotDeviceRemoved'; data: Scope & { deviceId: string } };

export type DeviceKeyReleaseReason = 'DEVICE_REMOVED' | 'BATCH_ABANDONED';

/**
 * Stream `autopilotdevicekey-<customer>_<sha256 of the key>`: which device holds one identifier in
 * the tenant (R33). Its expected revision is what makes a duplicate impossible.
 */
export type DeviceKeyEvent =
  | {
      type: 'AutopilotDeviceKeyReserved';
      data: Scope & { keyKind: DeviceKeyKind; deviceId: string };
    }
  | {
      type: 'AutopilotDeviceKeyReleased';
      data: Scope & { keyKind: DeviceKeyKind; deviceId: string; reason: DeviceKeyReleaseReason };
    };
