import { type Actor, partnerSeenBy } from '../platform/domain/actor';
import type { AutopilotOperation } from './domain/autopilot-access';
import type { AutopilotSetting, DeviceOrigin } from './domain/events';
import type {
  AutopilotDeviceRow,
  AutopilotProfileRow,
} from '../../projections/autopilot/autopilot.queries';
import type { AutopilotDevice, AutopilotProfile } from './autopilot.types';

export const deviceOrigin = (row: AutopilotDeviceRow): DeviceOrigin => ({
  source: row.added_by_source,
  partnerTenantId: row.added_by_partner_tenant_id,
});

export function toAutopilotDevice(
  row: AutopilotDeviceRow,
  allowedOperations: AutopilotOperation[],
  viewer: Actor,
): AutopilotDevice {
  const origin = deviceOrigin(row);
  return {
    id: row.device_id,
    customerTenantId: row.customer_tenant_id,
    serialNumber: row.serial_number,
    productKey: row.product_key,
    hardwareHash: row.hardware_hash,
    manufacturer: row.manufacturer,
    model: row.model,
    // R31 tells the partner "another partner"; R17: not which one.
    addedBy: { ...origin, partnerTenantId: partnerSeenBy(viewer, origin.partnerTenantId) },
    addedAt: new Date(row.added_at),
    profileId: row.profile_id,
    allowedOperations,
  };
}

export function toAutopilotProfile(
  row: AutopilotProfileRow,
  allowedOperations: AutopilotOperation[],
): AutopilotProfile {
  return {
    id: row.profile_id,
    customerTenantId: row.customer_tenant_id,
    name: row.name,
    description: row.description,
    settings: JSON.parse(row.settings) as AutopilotSetting[],
    devicesAssignedCount: row.devices_assigned_count,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    allowedOperations,
  };
}
