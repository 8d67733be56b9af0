import type { DeviceSource } from '../../src/autopilot/domain/events';
import type { SqlRunner } from '../../src/platform/projection-engine/projection';

export interface AutopilotProfileRow {
  profile_id: string;
  customer_tenant_id: string;
  name: string;
  description: string | null;
  /** JSON array of AutopilotSetting. */
  settings: string;
  created_at: string;
  updated_at: string;
  devices_assigned_count: number;
}

export interface AutopilotDeviceRow {
  device_id: string;
  customer_tenant_id: string;
  hardware_hash: string | null;
  product_key: string | null;
  serial_number: string | null;
  manufacturer: string | null;
  model: string | null;
  added_by_source: DeviceSource;
  added_by_partner_tenant_id: string | null;
  profile_id: string | null;
  added_at: string;
}

const PROFILES = `SELECT p.*, (SELECT COUNT(*) FROM autopilot_devices d
    WHERE d.profile_id = p.profile_id AND d.removed = 0) AS devices_assigned_count
  FROM autopilot_profiles p`;

export class AutopilotQueries {
  constructor(private readonly db: SqlRunner) {}

  profilesOf(customerTenantId: string): AutopilotProfileRow[] {
    return this.db.all<AutopilotProfileRow>(
      `${PROFILES} WHERE p.customer_tenant_id = ? AND p.deleted = 0 ORDER BY p.name, p.profile_id`,
      [customerTenantId],
    );
  }

  profile(profileId: string): AutopilotProfileRow | undefined {
    return this.db.get<AutopilotProfileRow>(
      `${PROFILES} WHERE p.profile_id = ? AND p.deleted = 0`,
      [profileId],
    );
  }

  /** The customer's devices in the order they were added. */
  devicesOf(customerTenantId: string): AutopilotDeviceRow[] {
    return this.db.all<AutopilotDeviceRow>(
      'SELECT * FROM autopilot_devices WHERE customer_tenant_id = ? AND removed = 0 ORDER BY position',
      [customerTenantId],
    );
  }

  devices(deviceIds: readonly string[]): AutopilotDeviceRow[] {
    return this.db.all<AutopilotDeviceRow>(
      `SELECT * FROM autopilot_devices WHERE device_id IN (SELECT value FROM json_each(?))
         AND removed = 0 ORDER BY position`,
      [JSON.stringify(deviceIds)],
    );
  }

  device(deviceId: string): AutopilotDeviceRow | undefined {
    return this.db.get<AutopilotDeviceRow>(
      'SELECT * FROM autopilot_devices WHERE device_id = ? AND removed = 0',
      [deviceId],
    );
  }
}
