import { autopilotDeviceCountsProjection } from '../../../projections/autopilot/autopilot-device-counts.projection';
import { autopilotProjection } from '../../../projections/autopilot/autopilot.projection';
import { AutopilotQueries } from '../../../projections/autopilot/autopilot.queries';
import type { EventType } from '../../../src/events';
import type { ReadStore } from '../../../src/platform/read-store/read-store';
import { plannedRunner } from '../../support/planned-runner';
import { at, projectionSpec } from '../../support/projection-spec';
import { replayedReadStores } from '../../support/replayed';
import { seeded } from '../../support/seeded';

const CUSTOMER = 'fabrikam';
const scope = { customerTenantId: CUSTOMER, partnerTenantId: 'contoso-partners' };

type Recorded = [EventType, Record<string, unknown>];

/**
 * A random registry's life, not only what the decider allows: devices assigned to deleted or
 * unknown profiles, assigned again to the profile they run, unassigned from one they do not run,
 * removed twice, added again after removal, profiles deleted twice.
 */
function randomHistory(seed: number, length: number): Recorded[] {
  const random = seeded(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const profiles = ['p-unknown'];
  const devices = ['d-unknown'];
  const history: Recorded[] = [];
  for (let step = 0; step < length; step++) {
    const choice = random();
    if (choice < 0.1) {
      const profileId = `p-${seed}-${step}`;
      profiles.push(profileId);
      history.push([
        'AutopilotProfileCreated',
        { ...scope, profileId, name: pick(['Sales', 'Kiosk']), description: null, settings: [] },
      ]);
    } else if (choice < 0.3) {
      const deviceId = random() < 0.1 ? pick(devices) : `d-${seed}-${step}`;
      devices.push(deviceId);
      history.push([
        'AutopilotDeviceAdded',
        {
          ...scope,
          deviceId,
          identity: { serialNumber: deviceId },
          addedBy: { source: 'PARTNER', partnerTenantId: 'contoso-partners' },
        },
      ]);
    } else if (choice < 0.7) {
      history.push([
        'AutopilotProfileAssigned',
        { ...scope, deviceId: pick(devices), profileId: pick(profiles) },
      ]);
    } else if (choice < 0.82) {
      history.push([
        'AutopilotProfileUnassigned',
        { ...scope, deviceId: pick(devices), profileId: pick(profiles) },
      ]);
    } else if (choice < 0.93) {
      history.push(['AutopilotDeviceRemoved', { ...scope, deviceId: pick(devices) }]);
    } else {
      history.push([
        'AutopilotProfileDeleted',
        { ...scope, profileId: pick(profiles), unassignedDeviceIds: [] },
      ]);
    }
  }
  return history;
}

describe('autopilot-device-counts read model (R30, R32, R34)', () => {
  const replayed = replayedReadStores('autopilot-device-counts', [
    autopilotProjection,
    autopilotDeviceCountsProjection,
  ]);

  const projected = (name: string, history: Recorded[]) =>
    replayed(
      name,
      history.map(([type, data], index) => ({
        streamId: `autopilot-${CUSTOMER}`,
        type,
        data,
        occurredAt: at(index),
      })),
    );

  /** What each profile row showed before: its live devices counted from the autopilot read model. */
  const countedFromDevices = (reads: ReadStore) =>
    Object.fromEntries(
      reads
        .all<{ id: string; count: number }>(
          `SELECT p.profile_id AS id, (SELECT COUNT(*) FROM autopilot_devices d NOT INDEXED
             WHERE d.profile_id = p.profile_id AND d.removed = 0) AS count
           FROM autopilot_profiles p WHERE p.deleted = 0`,
        )
        .map((row) => [row.id, row.count]),
    );

  it('R30, R32, R34: each profile row counts the live devices that run it, as counting them did, over random histories', async () => {
    let counted = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const reads = await projected(`random-${seed}`, randomHistory(seed, 120));
      const rows = new AutopilotQueries(reads).profilesOf(CUSTOMER, 1000);
      const shown = Object.fromEntries(
        rows.map((row) => [row.profile_id, row.devices_assigned_count]),
      );
      expect(shown).toEqual(countedFromDevices(reads));
      rows.forEach((row) =>
        expect(new AutopilotQueries(reads).profile(row.profile_id)).toEqual(row),
      );
      counted += rows.filter((row) => row.devices_assigned_count > 1).length;
    }
    // The histories are not trivial: some profiles run several devices.
    expect(counted).toBeGreaterThan(5);
  });

  it('R30: a page of profiles reads each count by the profile’s key, no device row', async () => {
    const reads = await projected('plan', randomHistory(99, 60));
    const { runner, plans } = plannedRunner(reads);
    new AutopilotQueries(runner).profilePage(CUSTOMER, 50, null);
    expect(plans).toHaveLength(1);
    expect(plans[0]).toMatch(
      /SEARCH c USING INDEX sqlite_autoindex_autopilot_profile_device_counts_1 \(profile_id=\?\)/,
    );
    expect(plans[0]).not.toMatch(/autopilot_devices|autopilot_device_assignments/);
  });

  describe('events applied again count nothing twice', () => {
    const spec = projectionSpec(autopilotDeviceCountsProjection);
    const created = {
      type: 'AutopilotProfileCreated' as const,
      data: { ...scope, profileId: 'p1', name: 'Sales', description: null, settings: [] },
    };
    const added = (deviceId: string) => ({
      type: 'AutopilotDeviceAdded' as const,
      data: {
        ...scope,
        deviceId,
        identity: { serialNumber: deviceId },
        addedBy: { source: 'PARTNER' as const, partnerTenantId: 'contoso-partners' },
      },
    });
    const assigned = (deviceId: string) => ({
      type: 'AutopilotProfileAssigned' as const,
      data: { ...scope, deviceId, profileId: 'p1' },
    });

    it('R32: assigning counts a device once; R34: removing one counts it out', () => {
      spec
        .given(created, added('d1'), added('d2'))
        .when(assigned('d1'), assigned('d2'), {
          type: 'AutopilotDeviceRemoved',
          data: { ...scope, deviceId: 'd2' },
        })
        .then({
          autopilot_profile_device_counts: [{ profile_id: 'p1', deleted: 0, devices: 1 }],
        });
    });

    it('R34: a device assigned a deleted profile runs none, as in the autopilot read model', () => {
      spec
        .given(created, added('d1'), {
          type: 'AutopilotProfileDeleted',
          data: { ...scope, profileId: 'p1', unassignedDeviceIds: [] },
        })
        .when(assigned('d1'))
        .then({
          autopilot_profile_device_counts: [{ profile_id: 'p1', deleted: 1, devices: 0 }],
          autopilot_device_assignments: [{ device_id: 'd1', profile_id: null, removed: 0 }],
        });
    });

    it('R34: deleting a profile counts none and clears its devices', () => {
      spec
        .given(created, added('d1'), assigned('d1'))
        .when({
          type: 'AutopilotProfileDeleted',
          data: { ...scope, profileId: 'p1', unassignedDeviceIds: ['d1'] },
        })
        .then({
          autopilot_profile_device_counts: [{ profile_id: 'p1', deleted: 1, devices: 0 }],
          autopilot_device_assignments: [{ device_id: 'd1', profile_id: null, removed: 0 }],
        });
    });
  });
});
