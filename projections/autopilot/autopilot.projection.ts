import type { Projection } from '../../src/platform/projection-engine/projection';

/**
 * A customer's Autopilot profiles and devices (R30–R36). R34: deleting a profile clears it from
 * its devices. The deletion names them (schema version 2); clearing by profile id gives the same
 * rows, and also serves deletions recorded before the registry, which named none.
 */
export const autopilotProjection: Projection = {
  name: 'autopilot',
  version: 1,
  tables: ['autopilot_profiles', 'autopilot_devices'],
  schema: [
    `CREATE TABLE IF NOT EXISTS autopilot_profiles (
      profile_id TEXT PRIMARY KEY,
      customer_tenant_id TEXT NOT NULL,
      name TEXT NOT NULL,
      description TEXT,
      settings TEXT NOT NULL,
      deleted INTEGER NOT NULL DEFAULT 0,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    `CREATE TABLE IF NOT EXISTS autopilot_devices (
      device_id TEXT PRIMARY KEY,
      customer_tenant_id TEXT NOT NULL,
      hardware_hash TEXT,
      product_key TEXT,
      serial_number TEXT,
      manufacturer TEXT,
      model TEXT,
      added_by_source TEXT NOT NULL,
      added_by_partner_tenant_id TEXT,
      profile_id TEXT,
      removed INTEGER NOT NULL DEFAULT 0,
      added_at TEXT NOT NULL,
      position INTEGER NOT NULL
    )`,
    'CREATE INDEX IF NOT EXISTS autopilot_devices_by_profile ON autopilot_devices (profile_id)',
  ],
  queryIndexes: [
    'CREATE INDEX IF NOT EXISTS autopilot_profiles_by_customer ON autopilot_profiles (customer_tenant_id, name)',
    'CREATE INDEX IF NOT EXISTS autopilot_profiles_page ON autopilot_profiles (customer_tenant_id, deleted, name, profile_id)',
    'CREATE INDEX IF NOT EXISTS autopilot_devices_by_customer ON autopilot_devices (customer_tenant_id, position)',
    // The devices connection's totalCount filtered by profile: from this index alone, not a table
    // row per device (profile rows read their counts from autopilot-device-counts).
    'CREATE INDEX IF NOT EXISTS autopilot_devices_by_profile_removed ON autopilot_devices (profile_id, removed)',
  ],
  handlers: {
    AutopilotProfileCreated: (event, db) => {
      const { data } = event;
      db.run(
        `INSERT INTO autopilot_profiles (profile_id, customer_tenant_id, name, description, settings,
           created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (profile_id) DO NOTHING`,
        [
          data.profileId,
          data.customerTenantId,
          data.name,
          data.description,
          JSON.stringify(data.settings),
          event.metadata.occurredAt,
          event.metadata.occurredAt,
        ],
      );
    },
    AutopilotProfileUpdated: (event, db) => {
      const { data } = event;
      db.run(
        `UPDATE autopilot_profiles SET name = ?, description = ?, settings = ?, updated_at = ?
         WHERE profile_id = ?`,
        [
          data.name,
          data.description,
          JSON.stringify(data.settings),
          event.metadata.occurredAt,
          data.profileId,
        ],
      );
    },
    AutopilotProfileDeleted: (event, db) => {
      const { profileId } = event.data;
      db.run('UPDATE autopilot_profiles SET deleted = 1 WHERE profile_id = ?', [profileId]);
      db.run('UPDATE autopilot_devices SET profile_id = NULL WHERE profile_id = ?', [profileId]);
    },
    AutopilotDeviceAdded: (event, db) => {
      const { data } = event;
      const { identity, addedBy } = data;
      db.run(
        `INSERT INTO autopilot_devices (device_id, customer_tenant_id, hardware_hash, product_key,
           serial_number, manufacturer, model, added_by_source, added_by_partner_tenant_id, added_at,
           position)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device_id) DO NOTHING`,
        [
          data.deviceId,
          data.customerTenantId,
          identity.hardwareHash ?? null,
          identity.productKey ?? null,
          identity.serialNumber ?? null,
          identity.manufacturer ?? null,
          identity.model ?? null,
          addedBy.source,
          addedBy.partnerTenantId,
          event.metadata.occurredAt,
          event.position,
        ],
      );
    },
    AutopilotProfileAssigned: (event, db) => {
      const { deviceId, profileId } = event.data;
      db.run(
        `UPDATE autopilot_devices SET profile_id =
           (SELECT profile_id FROM autopilot_profiles WHERE profile_id = ? AND deleted = 0)
         WHERE device_id = ?`,
        [profileId, deviceId],
      );
    },
    AutopilotProfileUnassigned: (event, db) => {
      const { deviceId, profileId } = event.data;
      db.run(
        'UPDATE autopilot_devices SET profile_id = NULL WHERE device_id = ? AND profile_id = ?',
        [deviceId, profileId],
      );
    },
    AutopilotDeviceRemoved: (event, db) => {
      const { deviceId } = event.data;
      db.run('UPDATE autopilot_devices SET removed = 1, profile_id = NULL WHERE device_id = ?', [
        deviceId,
      ]);
    },
  },
};
