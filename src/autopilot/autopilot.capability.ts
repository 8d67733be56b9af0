import { autopilotDeviceCountsProjection } from '../../projections/autopilot/autopilot-device-counts.projection';
import { autopilotProjection } from '../../projections/autopilot/autopilot.projection';
import type { Capability } from '../platform/capability';
import { streamIds } from '../platform/domain/streams';
import { autopilotRegistryDecider } from './domain/autopilot-registry.decider';

/** R30–R36: a customer's Windows Autopilot registry. */
export const autopilotCapability: Capability = {
  name: 'autopilot',
  streams: { autopilot: autopilotRegistryDecider },
  projections: [autopilotProjection, autopilotDeviceCountsProjection],
  fencedStreams: (_partnerTenantId, customerTenantId) => [
    { scope: 'AUTOPILOT', streamId: streamIds.autopilot(customerTenantId) },
  ],
};
