import { autopilotProjection } from '../../../projections/autopilot/autopilot.projection';
import { at, projectionSpec, type SpecEvent } from '../../support/projection-spec';

const scope = { customerTenantId: 'fabrikam', partnerTenantId: 'contoso-partners' };
const PROFILE = '7c6d5e4f-0000-4000-8000-000000000001';
const DEVICE = '7c6d5e4f-0000-4000-8000-0000000000d1';
const content = { name: 'Sales', description: null, settings: ['SKIP_EULA' as const] };

const created: SpecEvent = {
  type: 'AutopilotProfileCreated',
  data: { ...scope, ...content, profileId: PROFILE },
  occurredAt: at(1),
};
const added: SpecEvent = {
  type: 'AutopilotDeviceAdded',
  data: {
    ...scope,
    deviceId: DEVICE,
    identity: { serialNumber: 'SN1', manufacturer: 'Contoso', model: 'Laptop 7' },
    addedBy: { source: 'PARTNER', partnerTenantId: 'contoso-partners' },
  },
  occurredAt: at(2),
};
const assigned: SpecEvent = {
  type: 'AutopilotProfileAssigned',
  data: { ...scope, deviceId: DEVICE, profileId: PROFILE },
};
const profile = {
  profile_id: PROFILE,
  customer_tenant_id: 'fabrikam',
  name: 'Sales',
  description: null,
  settings: '["SKIP_EULA"]',
  deleted: 0,
  created_at: at(1),
  updated_at: at(1),
};
const device = {
  device_id: DEVICE,
  customer_tenant_id: 'fabrikam',
  hardware_hash: null,
  product_key: null,
  serial_number: 'SN1',
  manufacturer: 'Contoso',
  model: 'Laptop 7',
  added_by_source: 'PARTNER',
  added_by_partner_tenant_id: 'contoso-partners',
  profile_id: null,
  removed: 0,
  added_at: at(2),
  position: 2,
};

describe('autopilot projection (R30–R36)', () => {
  const spec = projectionSpec(autopilotProjection);

  it('R31: a device records who added it; R32: a profile assigned to it shows', () => {
    spec.when(created, added, assigned).then({
      autopilot_profiles: [profile],
      autopilot_devices: [{ ...device, profile_id: PROFILE }],
    });
  });

  it('R34: deleting a profile clears it from its devices, also when stored at version 1', () => {
    const deleted = { ...scope, profileId: PROFILE };
    const expected = {
      autopilot_profiles: [{ ...profile, deleted: 1 }],
      autopilot_devices: [device],
    };
    spec
      .given(created, added, assigned)
      .when({
        type: 'AutopilotProfileDeleted',
        data: { ...deleted, unassignedDeviceIds: [DEVICE] },
      })
      .then(expected);
    spec
      .given(created, added, assigned)
      .when({ type: 'AutopilotProfileDeleted', schemaVersion: 1, data: deleted })
      .then(expected);
  });

  it('R34: unassigning keeps the profile; a removed device runs none', () => {
    spec
      .given(created, added, assigned)
      .when(
        {
          type: 'AutopilotProfileUnassigned',
          data: { ...scope, deviceId: DEVICE, profileId: PROFILE },
        },
        {
          type: 'AutopilotProfileUpdated',
          data: { ...scope, ...content, name: 'Sales 2', profileId: PROFILE },
          occurredAt: at(5),
        },
        { type: 'AutopilotDeviceRemoved', data: { ...scope, deviceId: DEVICE } },
      )
      .then({
        autopilot_profiles: [{ ...profile, name: 'Sales 2', updated_at: at(5) }],
        autopilot_devices: [{ ...device, removed: 1 }],
      });
  });
});
