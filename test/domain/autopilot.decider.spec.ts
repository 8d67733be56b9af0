import type { AutopilotFacts, AutopilotPolicy } from '../../src/domain/access/autopilot-access';
import type { DapStatus } from '../../src/domain/access/partner-capabilities';
import type {
  AutopilotDeviceCommand,
  AutopilotProfileCommand,
} from '../../src/domain/autopilot-profile/commands';
import { autopilotDeviceDecider } from '../../src/domain/autopilot-profile/device.decider';
import { deviceKeyDecider } from '../../src/domain/autopilot-profile/device-key.decider';
import type {
  AutopilotDeviceEvent,
  AutopilotProfileEvent,
  DeviceKeyEvent,
  DeviceOrigin,
} from '../../src/domain/autopilot-profile/events';
import { autopilotProfileDecider } from '../../src/domain/autopilot-profile/profile.decider';
import type { Actor } from '../../src/domain/shared/actor';
import { customerGlobalAdmin, customerUser, given, partnerUser } from '../support/given';

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

const PROFILE_ID = 'profile-1';
const created: AutopilotProfileEvent = {
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
const deleted: AutopilotProfileEvent = {
  type: 'AutopilotProfileDeleted',
  data: { profileId: PROFILE_ID, customerTenantId: FABRIKAM, partnerTenantId: CONTOSO },
};

const create = (actor: Actor, f: AutopilotFacts, overrides = {}): AutopilotProfileCommand => ({
  type: 'CreateAutopilotProfile',
  actor,
  facts: f,
  profileId: PROFILE_ID,
  customerTenantId: FABRIKAM,
  name: '  Sales laptops ',
  description: 'For the field team',
  settings: ['SKIP_EULA', 'SKIP_PRIVACY_SETTINGS', 'SKIP_EULA'],
  ...overrides,
});
const update = (actor: Actor, f: AutopilotFacts, changes = {}): AutopilotProfileCommand => ({
  type: 'UpdateAutopilotProfile',
  actor,
  facts: f,
  changes: { name: 'Renamed', ...changes },
});
const remove = (actor: Actor, f: AutopilotFacts): AutopilotProfileCommand => ({
  type: 'DeleteAutopilotProfile',
  actor,
  facts: f,
});

const profileCommands = (actor: Actor, f: AutopilotFacts) => [
  { name: 'create', history: [], command: create(actor, f) },
  { name: 'update', history: [created], command: update(actor, f) },
  { name: 'delete', history: [created], command: remove(actor, f) },
];

describe('AutopilotProfile decider', () => {
  it('R30: an Admin Agent with a reseller relationship creates a profile without DAP (policy current)', () => {
    const events = given(autopilotProfileDecider)
      .when(create(contosoAdmin, facts('current')), NOW)
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
        expect(given(autopilotProfileDecider, history).when(command, NOW).events()).toHaveLength(1);
    },
  );

  it.each(POLICIES)('R30: Sales and Helpdesk Agents may not manage profiles (policy %s)', (p) => {
    for (const actor of [contosoSales, contosoHelpdesk]) {
      for (const { history, command } of profileCommands(actor, facts(p, 'ACTIVE'))) {
        given(autopilotProfileDecider, history).when(command, NOW).thenThrows('FORBIDDEN', 'R30');
      }
    }
  });

  it.each(POLICIES)('R30: without an active reseller relationship nothing (policy %s)', (p) => {
    given(autopilotProfileDecider)
      .when(create(contosoAdmin, facts(p, 'ACTIVE', false)), NOW)
      .thenThrows('FORBIDDEN', 'R30');
    // An ended relationship also hides the customer's profiles from the partner.
    given(autopilotProfileDecider, [created])
      .when(update(contosoAdmin, facts(p, 'ACTIVE', false)), NOW)
      .thenThrows('NOT_FOUND', undefined);
  });

  it.each(POLICIES)(
    'R30: the customer’s Global admin does not manage profiles (policy %s)',
    (p) => {
      for (const { history, command } of profileCommands(fabrikamAdmin, facts(p))) {
        given(autopilotProfileDecider, history).when(command, NOW).thenThrows('FORBIDDEN', 'R30');
      }
      given(autopilotProfileDecider, [created])
        .when(update(fabrikamUser, facts(p)), NOW)
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
        const error = given(autopilotProfileDecider, history)
          .when(command, NOW)
          .thenThrows('FORBIDDEN', 'R35');
        expect(error.message).toMatch(dapStatus === 'REMOVED' ? /removed/ : /holds no delegated/);
      }
    },
  );

  it('R35: under dap-required, an Admin Agent holding DAP manages profiles', () => {
    for (const { history, command } of profileCommands(
      contosoAdmin,
      facts('dap-required', 'ACTIVE'),
    ))
      expect(given(autopilotProfileDecider, history).when(command, NOW).events()).toHaveLength(1);
  });

  it('R30: a profile needs a name; an update must change something; repeating it changes nothing', () => {
    given(autopilotProfileDecider)
      .when(create(contosoAdmin, facts('current'), { name: '  ' }), NOW)
      .thenThrows('INVALID_INPUT', undefined);
    const history = [created];
    given(autopilotProfileDecider, history)
      .when(update(contosoAdmin, facts('current'), { name: undefined }), NOW)
      .thenThrows('INVALID_INPUT', undefined);
    given(autopilotProfileDecider, history)
      .when(update(contosoAdmin, facts('current'), { name: null }), NOW)
      .thenThrows('INVALID_INPUT', undefined);
    given(autopilotProfileDecider, history)
      .when(update(contosoAdmin, facts('current'), { name: 'Sales laptops' }), NOW)
      .thenNothing();
    const [event] = given(autopilotProfileDecider, history)
      .when(update(contosoAdmin, facts('current'), { settings: null, description: 'x' }), NOW)
      .events();
    expect(event.data).toMatchObject({ name: 'Renamed', description: 'x', settings: [] });
  });

  it('R34: a deleted profile is gone: it can be neither updated nor deleted again', () => {
    for (const command of [
      update(contosoAdmin, facts('current')),
      remove(contosoAdmin, facts('current')),
    ]) {
      given(autopilotProfileDecider, [created, deleted])
        .when(command, NOW)
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
const added = (addedBy: DeviceOrigin): AutopilotDeviceEvent => ({
  type: 'AutopilotDeviceAdded',
  data: {
    deviceId: DEVICE_ID,
    customerTenantId: FABRIKAM,
    partnerTenantId: addedBy.partnerTenantId,
    identity: { serialNumber: 'SN-1', manufacturer: 'Contoso', model: 'Book' },
    addedBy,
  },
});
const assigned: AutopilotDeviceEvent = {
  type: 'AutopilotProfileAssigned',
  data: {
    deviceId: DEVICE_ID,
    profileId: PROFILE_ID,
    customerTenantId: FABRIKAM,
    partnerTenantId: CONTOSO,
  },
};
const activeProfile = { profileId: PROFILE_ID, customerTenantId: FABRIKAM, active: true };

const deviceCommand = (
  operation: 'ASSIGN_PROFILE' | 'UNASSIGN_PROFILE' | 'REMOVE_DEVICE',
  actor: Actor,
  f: AutopilotFacts,
): AutopilotDeviceCommand => {
  switch (operation) {
    case 'ASSIGN_PROFILE':
      return { type: 'AssignAutopilotProfile', actor, facts: f, profile: activeProfile };
    case 'UNASSIGN_PROFILE':
      return { type: 'UnassignAutopilotProfile', actor, facts: f, assignedProfileActive: true };
    case 'REMOVE_DEVICE':
      return { type: 'RemoveAutopilotDevice', actor, facts: f };
  }
};
const historyFor = (operation: string, addedBy: DeviceOrigin) =>
  operation === 'UNASSIGN_PROFILE' ? [added(addedBy), assigned] : [added(addedBy)];
const OPERATIONS = ['ASSIGN_PROFILE', 'UNASSIGN_PROFILE', 'REMOVE_DEVICE'] as const;
const customerOrigins = Object.entries(origins).filter(([, o]) => o.source !== 'PARTNER');
const partnerOrigins = Object.entries(origins).filter(([, o]) => o.source === 'PARTNER');

describe('AutopilotDevice decider', () => {
  it('R31: a device records who added it', () => {
    const addedBy = origins['the customer (Intune)'];
    const scenario = given(autopilotDeviceDecider, [added(addedBy)]);
    expect(scenario.state).toMatchObject({
      status: 'REGISTERED',
      addedBy,
      customerTenantId: FABRIKAM,
    });
  });

  describe.each(['NONE', 'ACTIVE'] as const)('policy current, DAP %s', (dapStatus) => {
    it.each(partnerOrigins.flatMap(([who]) => OPERATIONS.map((op) => [op, who] as const)))(
      'R32: an Admin Agent may %s on a device %s added',
      (operation, who) => {
        const events = given(autopilotDeviceDecider, historyFor(operation, origins[who]))
          .when(deviceCommand(operation, contosoAdmin, facts('current', dapStatus)), NOW)
          .events();
        expect(events).toHaveLength(1);
      },
    );

    it.each(customerOrigins.flatMap(([who]) => OPERATIONS.map((op) => [op, who] as const)))(
      'R32: no partner may %s on a device %s added',
      (operation, who) => {
        given(autopilotDeviceDecider, historyFor(operation, origins[who]))
          .when(deviceCommand(operation, contosoAdmin, facts('current', dapStatus)), NOW)
          .thenThrows('FORBIDDEN', 'R32');
      },
    );
  });

  describe('policy dap-required', () => {
    it.each(Object.keys(origins).flatMap((who) => OPERATIONS.map((op) => [op, who] as const)))(
      'R35: with DAP an Admin Agent may %s on a device %s added',
      (operation, who) => {
        const events = given(autopilotDeviceDecider, historyFor(operation, origins[who]))
          .when(deviceCommand(operation, contosoAdmin, facts('dap-required', 'ACTIVE')), NOW)
          .events();
        expect(events).toHaveLength(1);
      },
    );

    it.each(['NONE', 'REMOVED'] as const)(
      'R35: without DAP (%s) a partner may remove only devices it added itself',
      (dapStatus) => {
        const noDap = facts('dap-required', dapStatus);
        expect(
          given(autopilotDeviceDecider, [added(origins['this partner'])])
            .when(deviceCommand('REMOVE_DEVICE', contosoAdmin, noDap), NOW)
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
          const error = given(autopilotDeviceDecider, [added(addedBy)])
            .when(deviceCommand('REMOVE_DEVICE', contosoAdmin, noDap), NOW)
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
      given(autopilotDeviceDecider, historyFor(operation, origins[who]))
        .when(deviceCommand(operation, contosoAdmin, facts('dap-required', 'NONE')), NOW)
        .thenThrows('FORBIDDEN', 'R35');
    });
  });

  it.each(POLICIES)(
    'R30: only Admin Agents manage devices; the customer only adds (policy %s)',
    (p) => {
      for (const actor of [contosoSales, contosoHelpdesk, fabrikamAdmin]) {
        for (const operation of OPERATIONS) {
          given(autopilotDeviceDecider, historyFor(operation, origins['this partner']))
            .when(deviceCommand(operation, actor, facts(p, 'ACTIVE')), NOW)
            .thenThrows('FORBIDDEN', 'R30');
        }
      }
    },
  );

  it.each(POLICIES)(
    'R30: without a reseller relationship a partner cannot even see the device (policy %s)',
    (p) => {
      for (const operation of OPERATIONS) {
        given(autopilotDeviceDecider, historyFor(operation, origins['this partner']))
          .when(deviceCommand(operation, contosoAdmin, facts(p, 'ACTIVE', false)), NOW)
          .thenThrows('NOT_FOUND', undefined);
      }
    },
  );

  it('R34: assigning replaces the device’s profile; unassigning touches only the device', () => {
    const history = [added(origins['this partner']), assigned];
    const other = { profileId: 'profile-2', customerTenantId: FABRIKAM, active: true };
    const [reassigned] = given(autopilotDeviceDecider, history)
      .when(
        {
          type: 'AssignAutopilotProfile',
          actor: contosoAdmin,
          facts: facts('current'),
          profile: other,
        },
        NOW,
      )
      .events();
    expect(reassigned).toMatchObject({
      type: 'AutopilotProfileAssigned',
      data: { profileId: 'profile-2' },
    });
    given(autopilotDeviceDecider, history)
      .when(deviceCommand('ASSIGN_PROFILE', contosoAdmin, facts('current')), NOW)
      .thenNothing();
    const [unassigned] = given(autopilotDeviceDecider, history)
      .when(deviceCommand('UNASSIGN_PROFILE', contosoAdmin, facts('current')), NOW)
      .events();
    expect(unassigned).toEqual({ type: 'AutopilotProfileUnassigned', data: assigned.data });
    // The profile's own stream is not touched by an unassignment: it is still there.
    expect(given(autopilotProfileDecider, [created]).state.status).toBe('ACTIVE');
  });

  it('R34: once its profile is deleted a device runs none: nothing to unassign, and the deleted profile cannot be assigned', () => {
    const history = [added(origins['this partner']), assigned];
    given(autopilotDeviceDecider, history)
      .when(
        {
          type: 'UnassignAutopilotProfile',
          actor: contosoAdmin,
          facts: facts('current'),
          assignedProfileActive: false,
        },
        NOW,
      )
      .thenNothing();
    const gone = { profileId: PROFILE_ID, customerTenantId: FABRIKAM, active: false };
    given(autopilotDeviceDecider, [added(origins['this partner'])])
      .when(
        {
          type: 'AssignAutopilotProfile',
          actor: contosoAdmin,
          facts: facts('current'),
          profile: gone,
        },
        NOW,
      )
      .thenThrows('NOT_FOUND', undefined);
  });

  it('R17: a profile of another customer cannot be assigned; a removed device is gone', () => {
    const elsewhere = {
      profileId: 'profile-9',
      customerTenantId: 'customer-woodgrove',
      active: true,
    };
    given(autopilotDeviceDecider, [added(origins['this partner'])])
      .when(
        {
          type: 'AssignAutopilotProfile',
          actor: contosoAdmin,
          facts: facts('current'),
          profile: elsewhere,
        },
        NOW,
      )
      .thenThrows('NOT_FOUND', undefined);
    const removedDevice: AutopilotDeviceEvent = {
      type: 'AutopilotDeviceRemoved',
      data: { deviceId: DEVICE_ID, customerTenantId: FABRIKAM, partnerTenantId: CONTOSO },
    };
    given(autopilotDeviceDecider, [added(origins['this partner']), removedDevice])
      .when(deviceCommand('REMOVE_DEVICE', contosoAdmin, facts('current')), NOW)
      .thenThrows('NOT_FOUND', undefined);
  });
});

describe('device identifier reservations', () => {
  const reserve = (deviceId: string, takeOverFrom: string | null = null) => ({
    type: 'ReserveDeviceKey' as const,
    customerTenantId: FABRIKAM,
    partnerTenantId: CONTOSO,
    keyKind: 'HARDWARE_HASH' as const,
    deviceId,
    takeOverFrom,
  });
  const reserved = (deviceId: string): DeviceKeyEvent => ({
    type: 'AutopilotDeviceKeyReserved',
    data: {
      customerTenantId: FABRIKAM,
      partnerTenantId: CONTOSO,
      keyKind: 'HARDWARE_HASH',
      deviceId,
    },
  });
  const released = (deviceId: string): DeviceKeyEvent => ({
    type: 'AutopilotDeviceKeyReleased',
    data: {
      customerTenantId: FABRIKAM,
      partnerTenantId: CONTOSO,
      keyKind: 'HARDWARE_HASH',
      deviceId,
      reason: 'DEVICE_REMOVED',
    },
  });

  it('R33: an identifier held by a device is refused to another, naming the holder', () => {
    expect(given(deviceKeyDecider).when(reserve('a'), NOW).events()).toEqual([reserved('a')]);
    const error = given(deviceKeyDecider, [reserved('a')])
      .when(reserve('b'), NOW)
      .thenThrows('CONFLICT', 'R33');
    expect(error.message).toContain('hardware hash');
    expect(error.details).toEqual({ existingDeviceId: 'a', identifier: 'HARDWARE_HASH' });
  });

  it('R33: a released identifier, or one whose holder was removed, may be registered again', () => {
    expect(
      given(deviceKeyDecider, [reserved('a'), released('a')])
        .when(reserve('b'), NOW)
        .events(),
    ).toEqual([reserved('b')]);
    expect(
      given(deviceKeyDecider, [reserved('a')])
        .when(reserve('b', 'a'), NOW)
        .events(),
    ).toEqual([reserved('b')]);
    given(deviceKeyDecider, [reserved('a')])
      .when(
        {
          type: 'ReleaseDeviceKey',
          customerTenantId: FABRIKAM,
          partnerTenantId: CONTOSO,
          keyKind: 'HARDWARE_HASH',
          deviceId: 'b',
          reason: 'DEVICE_REMOVED',
        },
        NOW,
      )
      .thenNothing();
  });
});
