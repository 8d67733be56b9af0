import type {
  AutopilotFacts,
  AutopilotPolicy,
} from '../../../src/autopilot/domain/autopilot-access';
import type { DapStatus } from '../../../src/delegated-admin/domain/partner-capabilities';
import { revocationStarted } from '../../../src/platform/domain/revocation-fences';
import {
  autopilotId,
  registryTenantOf,
  registryTenantOrNotFound,
} from '../../../src/autopilot/domain/autopilot-ids';
import { autopilotRegistryDecider } from '../../../src/autopilot/domain/autopilot-registry.decider';
import type { AutopilotCommand, AutopilotRequest } from '../../../src/autopilot/domain/commands';
import type { AutopilotEvent, DeviceOrigin } from '../../../src/autopilot/domain/events';
import { readDomainEvent as readEvent } from '../../../src/events';
import type { Actor } from '../../../src/platform/domain/actor';
import { fold } from '../../../src/platform/domain/decider';
import { callerOf, pairSnapshot } from '../../support/autopilot-registry';
import { customerGlobalAdmin, customerUser, given, partnerUser } from '../../support/given';

const NOW = new Date('2025-03-01T10:00:00.000Z');
const CONTOSO = 'partner-contoso';
const LITWARE = 'partner-litware';
const FABRIKAM = 'customer-fabrikam';
const POLICIES: AutopilotPolicy[] = ['current', 'dap-required'];

const contoso = (roles: Parameters<typeof partnerUser>[0]) =>
  partnerUser(roles, { tenantId: CONTOSO, tenantName: 'Contoso' });
const contosoAdmin = contoso(['AdminAgent']);
const contosoSales = contoso(['SalesAgent']);
const contosoHelpdesk = contoso(['HelpdeskAgent']);
const fabrikamAdmin = customerGlobalAdmin({ tenantId: FABRIKAM });
const fabrikamUser = customerUser([], { tenantId: FABRIKAM });

const facts = (
  policy: AutopilotPolicy,
  dapStatus: DapStatus = 'NONE',
  relationshipActive = true,
): AutopilotFacts => ({ relationshipActive, dapStatus, policy });

const as = (actor: Actor, f: AutopilotFacts, request: AutopilotRequest): AutopilotCommand => ({
  ...callerOf(actor, FABRIKAM, f),
  ...request,
});
const registry = (history: AutopilotEvent[] = []) => given(autopilotRegistryDecider, history);

const PROFILE_ID = 'profile-1';
const created: AutopilotEvent = {
  type: 'AutopilotProfileCreated',
  data: {
    profileId: PROFILE_ID,
    customerTenantId: FABRIKAM,
    partnerTenantId: CONTOSO,
    name: 'Sales laptops',
    description: null,
    settings: ['SKIP_EULA'],
  },
};
const deleted: AutopilotEvent = {
  type: 'AutopilotProfileDeleted',
  data: {
    profileId: PROFILE_ID,
    customerTenantId: FABRIKAM,
    partnerTenantId: CONTOSO,
    unassignedDeviceIds: [],
  },
};

const create = (overrides: Partial<AutopilotRequest> = {}): AutopilotRequest =>
  ({
    type: 'CreateAutopilotProfile',
    profileId: PROFILE_ID,
    name: '  Sales laptops ',
    description: 'For the field team',
    settings: ['SKIP_EULA', 'SKIP_PRIVACY_SETTINGS', 'SKIP_EULA'],
    ...overrides,
  }) as AutopilotRequest;
const update = (changes = {}): AutopilotRequest => ({
  type: 'UpdateAutopilotProfile',
  profileId: PROFILE_ID,
  changes: { name: 'Renamed', ...changes },
});
const remove: AutopilotRequest = { type: 'DeleteAutopilotProfile', profileId: PROFILE_ID };

const profileCommands = (actor: Actor, f: AutopilotFacts) => [
  { name: 'create', history: [], command: as(actor, f, create()) },
  { name: 'update', history: [created], command: as(actor, f, update()) },
  { name: 'delete', history: [created], command: as(actor, f, remove) },
];

describe('Autopilot registry: profiles', () => {
  it('R30: an Admin Agent with a reseller relationship creates a profile without DAP (policy current)', () => {
    const events = registry()
      .when(as(contosoAdmin, facts('current'), create()), NOW)
      .events();
    expect(events).toEqual([
      {
        type: 'AutopilotProfileCreated',
        data: {
          profileId: PROFILE_ID,
          customerTenantId: FABRIKAM,
          partnerTenantId: CONTOSO,
          name: 'Sales laptops',
          description: 'For the field team',
          settings: ['SKIP_PRIVACY_SETTINGS', 'SKIP_EULA'],
        },
      },
    ]);
  });

  it.each(['NONE', 'REMOVED'] as const)(
    'R30: under the current policy update and delete need no DAP (DAP %s)',
    (dapStatus) => {
      for (const { history, command } of profileCommands(contosoAdmin, facts('current', dapStatus)))
        expect(registry(history).when(command, NOW).events()).toHaveLength(1);
    },
  );

  it.each(POLICIES)('R30: Sales and Helpdesk Agents may not manage profiles (policy %s)', (p) => {
    for (const actor of [contosoSales, contosoHelpdesk]) {
      for (const { history, command } of profileCommands(actor, facts(p, 'ACTIVE'))) {
        registry(history).when(command, NOW).thenThrows('FORBIDDEN', 'R30');
      }
    }
  });

  it.each(POLICIES)('R30: without an active reseller relationship nothing (policy %s)', (p) => {
    registry()
      .when(as(contosoAdmin, facts(p, 'ACTIVE', false), create()), NOW)
      .thenThrows('FORBIDDEN', 'R30');
    // An ended relationship also hides the customer's profiles from the partner.
    registry([created])
      .when(as(contosoAdmin, facts(p, 'ACTIVE', false), update()), NOW)
      .thenThrows('NOT_FOUND', undefined);
  });

  it.each(POLICIES)(
    'R30: the customer’s Global admin does not manage profiles (policy %s)',
    (p) => {
      for (const { history, command } of profileCommands(fabrikamAdmin, facts(p))) {
        registry(history).when(command, NOW).thenThrows('FORBIDDEN', 'R30');
      }
      registry([created])
        .when(as(fabrikamUser, facts(p), update()), NOW)
        .thenThrows('FORBIDDEN', 'R30');
    },
  );

  it.each(['NONE', 'REMOVED'] as const)(
    'R35: under dap-required, adding, updating and deleting profiles need DAP (DAP %s)',
    (dapStatus) => {
      for (const { history, command } of profileCommands(
        contosoAdmin,
        facts('dap-required', dapStatus),
      )) {
        const error = registry(history).when(command, NOW).thenThrows('FORBIDDEN', 'R35');
        expect(error.message).toMatch(dapStatus === 'REMOVED' ? /removed/ : /holds no delegated/);
      }
    },
  );

  it('R35: under dap-required, an Admin Agent holding DAP manages profiles', () => {
    for (const { history, command } of profileCommands(
      contosoAdmin,
      facts('dap-required', 'ACTIVE'),
    ))
      expect(registry(history).when(command, NOW).events()).toHaveLength(1);
  });

  it('R30: a profile needs a printable name; an update must change something; repeating it changes nothing', () => {
    const admin = (request: AutopilotRequest) => as(contosoAdmin, facts('current'), request);
    for (const name of ['  ', '\u200b \u2060'])
      registry()
        .when(admin(create({ name })), NOW)
        .thenThrows('INVALID_INPUT', undefined);
    // Others read the name: one that would read as another (text direction, controls) is refused.
    for (const name of ['evil\u202eexe.txt', 'bell\u0007'])
      registry([created])
        .when(admin(update({ name })), NOW)
        .thenThrows('INVALID_INPUT', undefined);
    // Its description may span lines, but neither turn text around nor drive a terminal.
    for (const description of ['looks \u2067fine', 'clear\u001b[2J'])
      registry([created])
        .when(admin(update({ description })), NOW)
        .thenThrows('INVALID_INPUT', undefined);
    expect(
      registry([created])
        .when(admin(update({ description: 'Line one\n\tLine two' })), NOW)
        .events()[0].data,
    ).toMatchObject({ description: 'Line one\n\tLine two' });
    registry([created])
      .when(admin(update({ name: undefined })), NOW)
      .thenThrows('INVALID_INPUT', undefined);
    registry([created])
      .when(admin(update({ name: null })), NOW)
      .thenThrows('INVALID_INPUT', undefined);
    registry([created])
      .when(admin(update({ name: 'Sales laptops' })), NOW)
      .thenNothing();
    const [event] = registry([created])
      .when(admin(update({ settings: null, description: 'x' })), NOW)
      .events();
    expect(event.data).toMatchObject({ name: 'Renamed', description: 'x', settings: [] });
    // Created once: a retried creation of the same id records nothing more.
    registry([created]).when(admin(create()), NOW).thenNothing();
  });

  it('R34: a deleted profile is gone: it can be neither updated nor deleted again', () => {
    for (const request of [update(), remove]) {
      registry([created, deleted])
        .when(as(contosoAdmin, facts('current'), request), NOW)
        .thenThrows('NOT_FOUND', undefined);
    }
  });
});

const DEVICE_ID = 'device-1';
const origins: Record<string, DeviceOrigin> = {
  'this partner': { source: 'PARTNER', partnerTenantId: CONTOSO },
  'another partner': { source: 'PARTNER', partnerTenantId: LITWARE },
  'the customer (Store for Business)': { source: 'STORE_FOR_BUSINESS', partnerTenantId: null },
  'the customer (Store for Education)': { source: 'STORE_FOR_EDUCATION', partnerTenantId: null },
  'the customer (Intune)': { source: 'INTUNE', partnerTenantId: null },
};
const added = (addedBy: DeviceOrigin, deviceId = DEVICE_ID, serial = 'SN-1'): AutopilotEvent => ({
  type: 'AutopilotDeviceAdded',
  data: {
    deviceId,
    customerTenantId: FABRIKAM,
    partnerTenantId: addedBy.partnerTenantId,
    identity: { serialNumber: serial, manufacturer: 'Contoso', model: 'Book' },
    addedBy,
  },
});
const assigned = (deviceId = DEVICE_ID, profileId = PROFILE_ID): AutopilotEvent => ({
  type: 'AutopilotProfileAssigned',
  data: { deviceId, profileId, customerTenantId: FABRIKAM, partnerTenantId: CONTOSO },
});

const OPERATIONS = ['ASSIGN_PROFILE', 'UNASSIGN_PROFILE', 'REMOVE_DEVICE'] as const;
type Operation = (typeof OPERATIONS)[number];
const deviceRequest = (operation: Operation): AutopilotRequest => {
  switch (operation) {
    case 'ASSIGN_PROFILE':
      return { type: 'AssignAutopilotProfile', deviceId: DEVICE_ID, profileId: 'profile-2' };
    case 'UNASSIGN_PROFILE':
      return { type: 'UnassignAutopilotProfile', deviceId: DEVICE_ID };
    case 'REMOVE_DEVICE':
      return { type: 'RemoveAutopilotDevice', deviceId: DEVICE_ID };
  }
};
const other: AutopilotEvent = {
  ...created,
  data: { ...created.data, profileId: 'profile-2', name: 'Kiosk' },
};
const historyFor = (operation: Operation, addedBy: DeviceOrigin) =>
  operation === 'UNASSIGN_PROFILE'
    ? [created, other, added(addedBy), assigned()]
    : [created, other, added(addedBy)];
const customerOrigins = Object.entries(origins).filter(([, o]) => o.source !== 'PARTNER');
const partnerOrigins = Object.entries(origins).filter(([, o]) => o.source === 'PARTNER');

describe('Autopilot registry: devices', () => {
  it('R31: a device records who added it', () => {
    const addedBy = origins['the customer (Intune)'];
    expect(registry([added(addedBy)]).state.devices.get(DEVICE_ID)).toMatchObject({
      addedBy,
      profileId: null,
      label: 'serial number SN-1',
    });
  });

  describe.each(['NONE', 'ACTIVE'] as const)('policy current, DAP %s', (dapStatus) => {
    it.each(partnerOrigins.flatMap(([who]) => OPERATIONS.map((op) => [op, who] as const)))(
      'R32: an Admin Agent may %s on a device %s added',
      (operation, who) => {
        const events = registry(historyFor(operation, origins[who]))
          .when(as(contosoAdmin, facts('current', dapStatus), deviceRequest(operation)), NOW)
          .events();
        expect(events).toHaveLength(1);
      },
    );

    it.each(customerOrigins.flatMap(([who]) => OPERATIONS.map((op) => [op, who] as const)))(
      'R32: no partner may %s on a device %s added',
      (operation, who) => {
        registry(historyFor(operation, origins[who]))
          .when(as(contosoAdmin, facts('current', dapStatus), deviceRequest(operation)), NOW)
          .thenThrows('FORBIDDEN', 'R32');
      },
    );
  });

  describe('policy dap-required', () => {
    it.each(Object.keys(origins).flatMap((who) => OPERATIONS.map((op) => [op, who] as const)))(
      'R35: with DAP an Admin Agent may %s on a device %s added',
      (operation, who) => {
        const events = registry(historyFor(operation, origins[who]))
          .when(as(contosoAdmin, facts('dap-required', 'ACTIVE'), deviceRequest(operation)), NOW)
          .events();
        expect(events).toHaveLength(1);
      },
    );

    it.each(['NONE', 'REMOVED'] as const)(
      'R35: without DAP (%s) a partner may remove only devices it added itself',
      (dapStatus) => {
        const noDap = facts('dap-required', dapStatus);
        expect(
          registry([added(origins['this partner'])])
            .when(as(contosoAdmin, noDap, deviceRequest('REMOVE_DEVICE')), NOW)
            .events(),
        ).toEqual([
          {
            type: 'AutopilotDeviceRemoved',
            data: { deviceId: DEVICE_ID, customerTenantId: FABRIKAM, partnerTenantId: CONTOSO },
          },
        ]);
        for (const [who, addedBy] of Object.entries(origins).filter(
          ([w]) => w !== 'this partner',
        )) {
          const error = registry([added(addedBy)])
            .when(as(contosoAdmin, noDap, deviceRequest('REMOVE_DEVICE')), NOW)
            .thenThrows('FORBIDDEN', 'R35');
          expect(error.message).toContain(who.replace(/ \(.*\)/, ''));
        }
      },
    );

    it.each(
      Object.keys(origins).flatMap((who) =>
        (['ASSIGN_PROFILE', 'UNASSIGN_PROFILE'] as const).map((op) => [op, who] as const),
      ),
    )('R35: without DAP no partner may %s, not even on a device %s added', (operation, who) => {
      registry(historyFor(operation, origins[who]))
        .when(as(contosoAdmin, facts('dap-required', 'NONE'), deviceRequest(operation)), NOW)
        .thenThrows('FORBIDDEN', 'R35');
    });
  });

  it.each(POLICIES)(
    'R30: only Admin Agents manage devices; the customer only adds (policy %s)',
    (p) => {
      for (const actor of [contosoSales, contosoHelpdesk, fabrikamAdmin]) {
        for (const operation of OPERATIONS) {
          registry(historyFor(operation, origins['this partner']))
            .when(as(actor, facts(p, 'ACTIVE'), deviceRequest(operation)), NOW)
            .thenThrows('FORBIDDEN', 'R30');
        }
      }
    },
  );

  it.each(POLICIES)(
    'R30: without a reseller relationship a partner cannot even see the device (policy %s)',
    (p) => {
      for (const operation of OPERATIONS) {
        registry(historyFor(operation, origins['this partner']))
          .when(as(contosoAdmin, facts(p, 'ACTIVE', false), deviceRequest(operation)), NOW)
          .thenThrows('NOT_FOUND', undefined);
      }
    },
  );

  it.each(POLICIES)(
    'R17, R30: to a partner that may not see the registry, a profile or device that exists and one that does not are answered alike (policy %s)',
    (p) => {
      const refusal = (history: AutopilotEvent[], request: AutopilotRequest) =>
        registry(history)
          .when(as(contosoAdmin, facts(p, 'ACTIVE', false), request), NOW)
          .thenThrows('NOT_FOUND', undefined).message;
      for (const request of [update(), remove]) {
        expect(refusal([], request)).toBe(refusal([created], request));
      }
      for (const operation of OPERATIONS) {
        const existing = historyFor(operation, origins['this partner']);
        expect(refusal([], deviceRequest(operation))).toBe(
          refusal(existing, deviceRequest(operation)),
        );
      }
    },
  );

  it('R34: assigning replaces the device’s profile; unassigning touches only the device', () => {
    const history = [created, other, added(origins['this partner']), assigned()];
    const admin = (request: AutopilotRequest) => as(contosoAdmin, facts('current'), request);
    const [reassigned] = registry(history)
      .when(admin(deviceRequest('ASSIGN_PROFILE')), NOW)
      .events();
    expect(reassigned).toMatchObject({
      type: 'AutopilotProfileAssigned',
      data: { profileId: 'profile-2' },
    });
    registry(history)
      .when(
        admin({ type: 'AssignAutopilotProfile', deviceId: DEVICE_ID, profileId: PROFILE_ID }),
        NOW,
      )
      .thenNothing();
    const [unassigned] = registry(history)
      .when(admin(deviceRequest('UNASSIGN_PROFILE')), NOW)
      .events();
    expect(unassigned).toEqual({ type: 'AutopilotProfileUnassigned', data: assigned().data });
    const after = fold(autopilotRegistryDecider, [...history, unassigned]);
    expect(after.profiles.has(PROFILE_ID)).toBe(true);
    expect(after.devices.get(DEVICE_ID)?.profileId).toBeNull();
  });

  it('R17, R34: a deleted profile, or one of another tenant, cannot be assigned; a removed device is gone', () => {
    const admin = (request: AutopilotRequest) => as(contosoAdmin, facts('current'), request);
    for (const profileId of [PROFILE_ID, 'profile-of-woodgrove']) {
      registry([created, added(origins['this partner']), deleted])
        .when(admin({ type: 'AssignAutopilotProfile', deviceId: DEVICE_ID, profileId }), NOW)
        .thenThrows('NOT_FOUND', undefined);
    }
    const removedDevice: AutopilotEvent = {
      type: 'AutopilotDeviceRemoved',
      data: { deviceId: DEVICE_ID, customerTenantId: FABRIKAM, partnerTenantId: CONTOSO },
    };
    for (const operation of OPERATIONS) {
      registry([created, other, added(origins['this partner']), removedDevice])
        .when(admin(deviceRequest(operation)), NOW)
        .thenThrows('NOT_FOUND', undefined);
    }
  });
});

describe('Autopilot registry: R34 recorded in the log', () => {
  const withDevices = [
    created,
    other,
    added(origins['this partner'], 'device-b', 'SN-B'),
    added(origins['another partner'], 'device-a', 'SN-A'),
    added(origins['this partner'], 'device-c', 'SN-C'),
    assigned('device-b'),
    assigned('device-a'),
    assigned('device-c', 'profile-2'),
  ];

  it('R34: deleting a profile names the devices it took the profile from, and they run none from then on', () => {
    const [event] = registry(withDevices)
      .when(as(contosoAdmin, facts('current'), remove), NOW)
      .events();
    expect(event).toEqual({
      type: 'AutopilotProfileDeleted',
      data: {
        profileId: PROFILE_ID,
        customerTenantId: FABRIKAM,
        partnerTenantId: CONTOSO,
        unassignedDeviceIds: ['device-a', 'device-b'],
      },
    });
    const after = fold(autopilotRegistryDecider, [...withDevices, event]);
    expect(after.profiles.has(PROFILE_ID)).toBe(false);
    expect(
      ['device-a', 'device-b', 'device-c'].map((id) => after.devices.get(id)?.profileId),
    ).toEqual([null, null, 'profile-2']);
    // And the commands agree: nothing to remove from a device that ran the deleted profile, and
    // the caller is told so, as allowedOperations no longer offers it (R36).
    const refused = registry([...withDevices, event])
      .when(
        as(contosoAdmin, facts('current'), {
          type: 'UnassignAutopilotProfile',
          deviceId: 'device-a',
        }),
        NOW,
      )
      .thenThrows('PRECONDITION_FAILED', 'R34');
    expect(refused.message).toBe('This device runs no Autopilot profile: there is none to remove.');
  });

  it('R34, R43: history shows after a deletion the profile gone and the devices it names running none', () => {
    const [event] = registry(withDevices)
      .when(as(contosoAdmin, facts('current'), remove), NOW)
      .events();
    const after = fold(autopilotRegistryDecider, [...withDevices, event]);
    expect(autopilotRegistryDecider.viewAfter(after, event)).toEqual({
      totals: { profiles: 1, devices: 3 },
      fences: {},
      profiles: { [PROFILE_ID]: null },
      devices: {
        'device-a': {
          addedBy: origins['another partner'],
          profileId: null,
          label: 'serial number SN-A',
        },
        'device-b': {
          addedBy: origins['this partner'],
          profileId: null,
          label: 'serial number SN-B',
        },
      },
    });
  });

  it('R34: a device named by a deletion after it moved to another profile keeps that one', () => {
    const stale: AutopilotEvent = {
      ...deleted,
      data: { ...deleted.data, unassignedDeviceIds: ['device-c'] },
    };
    const after = fold(autopilotRegistryDecider, [...withDevices, stale]);
    expect(after.devices.get('device-c')?.profileId).toBe('profile-2');
  });
});

describe('Autopilot registry: partner decisions behind the fences of revocations', () => {
  const fence = (
    revoking: 'DELEGATED_ADMIN' | 'RELATIONSHIP',
    factRevision: number,
    partner = CONTOSO,
  ) => revocationStarted(partner, FABRIKAM, revoking, factRevision, 'AUTOPILOT') as AutopilotEvent;
  /** Contoso's pair as read before the revocation: relationship and DAP active at revision 3. */
  const readBefore = (request: AutopilotRequest, policy: AutopilotPolicy, revision = 3) => ({
    ...request,
    actor: contosoAdmin,
    customerTenantId: FABRIKAM,
    pair: pairSnapshot({ relationshipActive: true, dapStatus: 'ACTIVE' }, revision),
    policy,
  });

  it('R35, R13: under dap-required a partner decision on “DAP active” behind a DAP fence is refused', () => {
    const error = registry([fence('DELEGATED_ADMIN', 3)])
      .when(readBefore(create(), 'dap-required'), NOW)
      .thenThrows('FORBIDDEN', 'R35');
    expect(error.message).toMatch(/removed/);
    registry([created, other, added(origins['the customer (Intune)']), fence('DELEGATED_ADMIN', 3)])
      .when(readBefore(deviceRequest('ASSIGN_PROFILE'), 'dap-required'), NOW)
      .thenThrows('FORBIDDEN', 'R35');
  });

  it('R35: without DAP behind the fence a partner still adds devices and removes its own', () => {
    const history = [added(origins['this partner']), fence('DELEGATED_ADMIN', 3)];
    const adding: AutopilotRequest = {
      type: 'AddAutopilotDevices',
      source: null,
      devices: [{ productKey: 'PK-9' }],
      deviceIds: ['device-9'],
    };
    expect(registry(history).when(readBefore(adding, 'dap-required'), NOW).events()).toHaveLength(
      1,
    );
    expect(
      registry(history)
        .when(readBefore(deviceRequest('REMOVE_DEVICE'), 'dap-required'), NOW)
        .events(),
    ).toHaveLength(1);
  });

  it('R12: under the current policy a DAP fence changes nothing for Autopilot', () => {
    expect(
      registry([fence('DELEGATED_ADMIN', 3)])
        .when(readBefore(create(), 'current'), NOW)
        .events(),
    ).toHaveLength(1);
  });

  it.each(POLICIES)(
    'R9, R30: behind a relationship fence the partner may do nothing and sees nothing (policy %s)',
    (policy) => {
      const history = [created, other, added(origins['this partner']), fence('RELATIONSHIP', 3)];
      registry(history).when(readBefore(create(), policy), NOW).thenThrows('FORBIDDEN', 'R30');
      for (const operation of OPERATIONS) {
        registry(history)
          .when(readBefore(deviceRequest(operation), policy), NOW)
          .thenThrows('NOT_FOUND', undefined);
      }
    },
  );

  it('R35: once the DAP stream moved past the fenced revision, it says what holds (DAP granted again)', () => {
    expect(
      registry([fence('DELEGATED_ADMIN', 3)])
        .when(readBefore(create(), 'dap-required', 5), NOW)
        .events(),
    ).toHaveLength(1);
  });

  it('R30: another partner’s fence, and the customer’s own adds, are not affected', () => {
    expect(
      registry([fence('RELATIONSHIP', 3, LITWARE), fence('DELEGATED_ADMIN', 3, LITWARE)])
        .when(readBefore(create(), 'dap-required'), NOW)
        .events(),
    ).toHaveLength(1);
    const byFay = as(fabrikamAdmin, facts('dap-required'), {
      type: 'AddAutopilotDevices',
      source: 'INTUNE',
      devices: [{ productKey: 'PK-FAY' }],
      deviceIds: ['device-fay'],
    });
    expect(
      registry([fence('RELATIONSHIP', 3), fence('DELEGATED_ADMIN', 3)])
        .when(byFay, NOW)
        .events(),
    ).toHaveLength(1);
  });

  it('R30: each fence is kept per partner, the newest revision per fact', () => {
    const state = registry([
      fence('DELEGATED_ADMIN', 3),
      fence('DELEGATED_ADMIN', 1),
      fence('RELATIONSHIP', 2, LITWARE),
    ]).state;
    expect(state.fences.toJSON()).toEqual({
      [CONTOSO]: { DELEGATED_ADMIN: 3 },
      [LITWARE]: { RELATIONSHIP: 2 },
    });
  });
});

describe('Autopilot registry: stored deletions and the states it keeps', () => {
  it('R34: a deletion stored as schema version 1 reads as one that named no device', () => {
    const v1 = { profileId: PROFILE_ID, customerTenantId: FABRIKAM, partnerTenantId: CONTOSO };
    expect(readEvent('AutopilotProfileDeleted', 1, v1)).toEqual({
      readable: true,
      event: { type: 'AutopilotProfileDeleted', data: { ...v1, unassignedDeviceIds: [] } },
    });
    const v2 = { ...v1, unassignedDeviceIds: ['device-a'] };
    expect(readEvent('AutopilotProfileDeleted', 2, v2)).toEqual({
      readable: true,
      event: { type: 'AutopilotProfileDeleted', data: v2 },
    });
    expect(readEvent('AutopilotProfileDeleted', 3, v2)).toMatchObject({ readable: false });
  });

  it('R33: the reservation events of the former per-identifier streams are no longer read', () => {
    for (const type of ['AutopilotDeviceKeyReserved', 'AutopilotDeviceKeyReleased']) {
      expect(readEvent(type, 1, {})).toEqual({ readable: false, reason: 'UNKNOWN_TYPE' });
    }
  });

  it('R31: folding an event leaves the state it started from as it was (cached states are shared)', () => {
    const before = fold(autopilotRegistryDecider, [created, added(origins['this partner'])]);
    const after = autopilotRegistryDecider.evolve(before, assigned());
    expect(before.devices.get(DEVICE_ID)?.profileId).toBeNull();
    expect(after.devices.get(DEVICE_ID)?.profileId).toBe(PROFILE_ID);
    expect(after.profiles).toBe(before.profiles);
  });
});

describe('Autopilot ids name the registry that holds them', () => {
  const uuid = '0f8fad5b-d9cb-469f-a165-70867728950e';

  it('R17: an id carries its customer tenant, whatever form of tenant id it has', () => {
    for (const tenant of [
      'fabrikam',
      'customer-0',
      'a.b',
      '72f988bf-86f1-41af-91ab-2d7cd011db47',
    ]) {
      expect(registryTenantOf(autopilotId(tenant, uuid))).toBe(tenant);
    }
  });

  it('R17: a malformed id names no registry, and a command on it is NOT_FOUND', () => {
    for (const id of ['', uuid, `${uuid}@`, `not-a-uuid@fabrikam`, `@fabrikam`, 'profile-1']) {
      expect(registryTenantOf(id)).toBeNull();
      expect(() => registryTenantOrNotFound(id, 'device')).toThrow(
        expect.objectContaining({ code: 'NOT_FOUND', message: 'No such Autopilot device.' }),
      );
    }
  });
});
