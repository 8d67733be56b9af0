import { pairStream, singleStream } from '../shared/streams';

/** Autopilot stream names: one small stream per profile, per device and per device identifier. */
export const autopilotStreams = {
  profile: (profileId: string) => singleStream('autopilotprofile', profileId),
  device: (deviceId: string) => singleStream('autopilotdevice', deviceId),
  /** `keyDigest` is the SHA-256 of the identifier (see device-identity.ts). */
  deviceKey: (customerTenantId: string, keyDigest: string) =>
    pairStream('autopilotdevicekey', customerTenantId, keyDigest),
} as const;
