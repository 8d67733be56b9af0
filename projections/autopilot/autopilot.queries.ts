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

/** Each profile with its live devices' count, kept by the autopilot-device-counts read model. */
const PROFILES = `SELECT p.*, COALESCE(c.devices, 0) AS devices_assigned_count
  FROM autopilot_profiles p
  LEFT JOIN autopilot_profile_device_counts c ON c.profile_id = p.profile_id`;

/** Narrows a customer's devices: to one profile's, and by who added them (R31). */
export interface DeviceFilter {
  profileId?: string | null;
  source?: DeviceSource | null;
}

/** Where a page of devices starts: the last device's position, then its row id (one batch shares a position). */
export interface DevicePageKey {
  position: number;
  rowId: number;
}

export type PagedDeviceRow = AutopilotDeviceRow & { position: number; row_id: number };

function deviceConditions(customerTenantId: string, filter: DeviceFilter) {
  const conditions = ['customer_tenant_id = @customer', 'removed = 0'];
  if (filter.profileId) conditions.push('profile_id = @profile');
  if (filter.source) conditions.push('added_by_source = @source');
  return {
    conditions,
    params: {
      customer: customerTenantId,
      profile: filter.profileId ?? null,
      source: filter.source ?? null,
    },
  };
}

export class AutopilotQueries {
  constructor(private readonly db: SqlRunner) {}

  /** A page of the customer's devices in the order they were added (keyset on the index by position). */
  devicePage(
    customerTenantId: string,
    filter: DeviceFilter,
    first: number,
    after: DevicePageKey | null,
  ): PagedDeviceRow[] {
    const { conditions, params } = deviceConditions(customerTenantId, filter);
    if (after) conditions.push('(position, rowid) > (@afterPosition, @afterRowId)');
    return this.db.all<PagedDeviceRow>(
      `SELECT *, rowid AS row_id FROM autopilot_devices WHERE ${conditions.join(' AND ')}
       ORDER BY position, rowid LIMIT @limit`,
      {
        ...params,
        afterPosition: after?.position ?? null,
        afterRowId: after?.rowId ?? null,
        limit: first,
      },
    );
  }

  countDevices(customerTenantId: string, filter: DeviceFilter): number {
    const { conditions, params } = deviceConditions(customerTenantId, filter);
    return (
      this.db.get<{ total: number }>(
        `SELECT COUNT(*) AS total FROM autopilot_devices WHERE ${conditions.join(' AND ')}`,
        params,
      )?.total ?? 0
    );
  }

  /** A page of the customer's profiles by name (keyset on the index by name). */
  profilePage(
    customerTenantId: string,
    first: number,
    after: { name: string; id: string } | null,
  ): AutopilotProfileRow[] {
    // The key only when there is one, so the index range starts at it (as devicePage's).
    const fromKey = after ? 'AND (p.name, p.profile_id) > (@afterName, @afterId)' : '';
    return this.db.all<AutopilotProfileRow>(
      `${PROFILES} WHERE p.customer_tenant_id = @customer AND p.deleted = 0 ${fromKey}
       ORDER BY p.name, p.profile_id LIMIT @limit`,
      {
        customer: customerTenantId,
        ...(after ? { afterName: after.name, afterId: after.id } : {}),
        limit: first,
      },
    );
  }

  countProfiles(customerTenantId: string): number {
    return (
      this.db.get<{ total: number }>(
        'SELECT COUNT(*) AS total FROM autopilot_profiles WHERE customer_tenant_id = ? AND deleted = 0',
        [customerTenantId],
      )?.total ?? 0
    );
  }

  profilesOf(customerTenantId: string, limit: number): AutopilotProfileRow[] {
    return this.db.all<AutopilotProfileRow>(
      `${PROFILES} WHERE p.customer_tenant_id = ? AND p.deleted = 0
       ORDER BY p.name, p.profile_id LIMIT ?`,
      [customerTenantId, limit],
    );
  }

  profile(profileId: string): AutopilotProfileRow | undefined {
    return this.db.get<AutopilotProfileRow>(
      `${PROFILES} WHERE p.profile_id = ? AND p.deleted = 0`,
      [profileId],
    );
  }

  /** The customer's devices in the order they were added, at most `limit` of them. */
  devicesOf(customerTenantId: string, limit: number): AutopilotDeviceRow[] {
    return this.db.all<AutopilotDeviceRow>(
      `SELECT * FROM autopilot_devices WHERE customer_tenant_id = ? AND removed = 0
       ORDER BY position LIMIT ?`,
      [customerTenantId, limit],
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
