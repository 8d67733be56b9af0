/** Autopilot stream names: one small stream per profile, per device and per device identifier. */
export const autopilotStreams = {
  profile: (profileId: string) => `autopilotprofile-${profileId}`,
  device: (deviceId: string) => `autopilotdevice-${deviceId}`,
  /** `keyDigest` is the SHA-256 of the identifier (see device-identity.ts). */
  deviceKey: (customerTenantId: string, keyDigest: string) =>
    `autopilotdevicekey-${customerTenantId}_${keyDigest}`,
} as const;
