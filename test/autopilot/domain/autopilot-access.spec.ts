import {
  actorMayAutopilot,
  assertMayAutopilot,
  AUTOPILOT_ACTIONS,
  type AutopilotFacts,
  autopilotCapability,
  deviceOperations,
  profileOperations,
} from '../../../src/autopilot/domain/autopilot-access';
import { effectiveAccess } from '../../../src/effective-access/domain/effective-access';
import { DIRECTORY_ROLES } from '../../../src/gdap/domain/role-catalogue';
import { autopilotRegistryDecider } from '../../../src/autopilot/domain/autopilot-registry.decider';
import type { AutopilotCommand } from '../../../src/autopilot/domain/commands';
import type { AutopilotEvent, DeviceOrigin } from '../../../src/autopilot/domain/events';
import { fold } from '../../../src/platform/domain/decider';
import { DomainError } from '../../../src/platform/domain/domain-error';
import { callerOf } from '../../support/autopilot-registry';
import { customerGlobalAdmin, customerUser, partnerUser } from '../../support/given';
import { type Adder, rowTitle, TABLE_ROWS } from './autopilot-expectations';

const NOW = new Date('2025-03-01T10:00:00.000Z');
const CONTOSO = 'partner-contoso';
const FABRIKAM = 'customer-fabrikam';
const contosoAdmin = partnerUser(['AdminAgent'], { tenantId: CONTOSO });

const ORIGIN: Record<Adder, DeviceOrigin> = {
  THIS_PARTNER: { source: 'PARTNER', partnerTenantId: CONTOSO },
  OTHER_PARTNER: { source: 'PARTNER', partnerTenantId: 'partner-litware' },
  STORE_FOR_BUSINESS: { source: 'STORE_FOR_BUSINESS', partnerTenantId: null },
  STORE_FOR_EDUCATION: { source: 'STORE_FOR_EDUCATION', partnerTenantId: null },
  INTUNE: { source: 'INTUNE', partnerTenantId: null },
};

const profile = (profileId: string): AutopilotEvent => ({
  type: 'AutopilotProfileCreated',
  data: {
    profileId,
    customerTenantId: FABRIKAM,
    partnerTenantId: CONTOSO,
    name: profileId,
    description: null,
    settings: [],
  },
});

const history = (addedBy: DeviceOrigin): AutopilotEvent[] => [
  profile('profile-1'),
  profile('profile-2'),
  {
    type: 'AutopilotDeviceAdded',
    data: {
      deviceId: 'device-1',
      customerTenantId: FABRIKAM,
      partnerTenantId: addedBy.partnerTenantId,
      identity: { productKey: 'PK-1' },
      addedBy,
    },
  },
  {
    type: 'AutopilotProfileAssigned',
    data: {
      deviceId: 'device-1',
      profileId: 'profile-1',
      customerTenantId: FABRIKAM,
      partnerTenantId: null,
    },
  },
];

function command(operation: string, facts: AutopilotFacts): AutopilotCommand {
  const caller = callerOf(contosoAdmin, FABRIKAM, facts);
  const deviceId = 'device-1';
  if (operation === 'ASSIGN_PROFILE') {
    return { ...caller, type: 'AssignAutopilotProfile', deviceId, profileId: 'profile-2' };
  }
  if (operation === 'UNASSIGN_PROFILE')
    return { ...caller, type: 'UnassignAutopilotProfile', deviceId };
  return { ...caller, type: 'RemoveAutopilotDevice', deviceId };
}

describe('Autopilot permissions: one table, checked against the deciders and allowedOperations', () => {
  it('R36: the table covers 5 origins × DAP yes/no × 2 policies × 3 operations', () => {
    expect(TABLE_ROWS).toHaveLength(60);
  });

  it.each(TABLE_ROWS.map((row) => [rowTitle(row), row] as const))('%s', (_, row) => {
    const facts: AutopilotFacts = {
      relationshipActive: true,
      dapStatus: row.dap ? 'ACTIVE' : 'NONE',
      policy: row.policy,
    };
    const addedBy = ORIGIN[row.adder];
    let decided: { allowed: boolean; rule?: string };
    try {
      const state = fold(autopilotRegistryDecider, history(addedBy));
      autopilotRegistryDecider.decide(command(row.operation, facts), state, NOW);
      decided = { allowed: true };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      decided = { allowed: false, rule: error.rule };
    }
    const offered = deviceOperations(
      contosoAdmin,
      { customerTenantId: FABRIKAM, addedBy, profileId: 'profile-1' },
      facts,
    ).includes(row.operation);
    expect(decided).toEqual(row.allowed ? { allowed: true } : { allowed: false, rule: row.rule });
    expect(offered).toBe(row.allowed);
  });
});

describe('allowedOperations and effectiveAccess', () => {
  const facts = (policy: AutopilotFacts['policy'], dap: boolean): AutopilotFacts => ({
    relationshipActive: true,
    dapStatus: dap ? 'ACTIVE' : 'NONE',
    policy,
  });

  it('R36: removing a profile is offered only while the device runs one', () => {
    const device = { customerTenantId: FABRIKAM, addedBy: ORIGIN.THIS_PARTNER, profileId: null };
    expect(deviceOperations(contosoAdmin, device, facts('current', false))).toEqual([
      'ASSIGN_PROFILE',
      'REMOVE_DEVICE',
    ]);
  });

  it('R36: profiles offer update and delete exactly when the caller may manage profiles', () => {
    expect(profileOperations(contosoAdmin, FABRIKAM, facts('current', false))).toEqual([
      'UPDATE_PROFILE',
      'DELETE_PROFILE',
    ]);
    expect(profileOperations(contosoAdmin, FABRIKAM, facts('dap-required', false))).toEqual([]);
    expect(profileOperations(contosoAdmin, FABRIKAM, facts('dap-required', true))).toHaveLength(2);
    const sales = partnerUser(['SalesAgent'], { tenantId: CONTOSO });
    expect(profileOperations(sales, FABRIKAM, facts('current', true))).toEqual([]);
    const fay = customerGlobalAdmin({ tenantId: FABRIKAM });
    expect(profileOperations(fay, FABRIKAM, facts('current', false))).toEqual([]);
    expect(
      deviceOperations(
        fay,
        { customerTenantId: FABRIKAM, addedBy: ORIGIN.INTUNE, profileId: null },
        facts('current', false),
      ),
    ).toEqual([]);
  });

  it('R30: a customer user refused a profile change is told who manages profiles, whoever the customer user is', () => {
    const callers = [
      customerGlobalAdmin({ tenantId: FABRIKAM }),
      customerUser(['User'], { tenantId: FABRIKAM }),
      customerGlobalAdmin({ tenantId: 'customer-woodgrove' }),
    ];
    for (const caller of callers) {
      expect(
        actorMayAutopilot(caller, FABRIKAM, { kind: 'MANAGE_PROFILES' }, facts('current', true)),
      ).toMatchObject({
        allowed: false,
        rule: 'R30',
        reason:
          'The customer’s Global admin may add devices; only its partners’ Admin Agents create, update or delete Autopilot profiles here.',
      });
    }
    const woodgroveAdmin = callers[2];
    expect(
      actorMayAutopilot(woodgroveAdmin, FABRIKAM, { kind: 'ADD_DEVICES' }, facts('current', true)),
    ).toMatchObject({
      allowed: false,
      reason: 'Only a Global admin of the customer tenant may add its Autopilot devices.',
    });
  });

  it.each([{ kind: 'ADD_DEVICES' }, { kind: 'MANAGE_PROFILES' }] as const)(
    'R17, R30: another customer’s Global admin trying %o in this customer’s Autopilot is NOT_FOUND, as its lists answer',
    (act) => {
      const woodgroveAdmin = customerGlobalAdmin({ tenantId: 'customer-woodgrove' });
      const refusal = (() => {
        try {
          assertMayAutopilot(woodgroveAdmin, FABRIKAM, act, facts('current', true));
        } catch (error) {
          return error;
        }
      })();
      expect(refusal).toMatchObject({
        code: 'NOT_FOUND',
        message: 'No such customer among yours.',
      });
    },
  );

  it('R40: effectiveAccess answers the three Autopilot actions for every role, with the policy in the reason', () => {
    const answers = effectiveAccess(['ADMIN_AGENT', 'SALES_AGENT', 'HELPDESK_AGENT'], {
      partnerTenantId: CONTOSO,
      pair: { relationshipActive: true, dapStatus: 'NONE' },
      subscriptions: [],
      autopilotPolicy: 'dap-required',
    });
    const autopilot = answers
      .filter(({ action }) => (AUTOPILOT_ACTIONS as readonly string[]).includes(action))
      .map(({ role, action, allowed, rule }) => `${role} ${action} ${allowed} ${rule}`);
    expect(autopilot).toEqual([
      'ADMIN_AGENT MANAGE_AUTOPILOT_PROFILES false R35',
      'ADMIN_AGENT ADD_AUTOPILOT_DEVICES true R30',
      'ADMIN_AGENT MANAGE_AUTOPILOT_DEVICES true R35',
      'SALES_AGENT MANAGE_AUTOPILOT_PROFILES false R30',
      'SALES_AGENT ADD_AUTOPILOT_DEVICES true R30',
      'SALES_AGENT MANAGE_AUTOPILOT_DEVICES false R30',
      'HELPDESK_AGENT MANAGE_AUTOPILOT_PROFILES false R30',
      'HELPDESK_AGENT ADD_AUTOPILOT_DEVICES false R30',
      'HELPDESK_AGENT MANAGE_AUTOPILOT_DEVICES false R30',
    ]);
  });

  it.each([
    [
      'current',
      false,
      'R32',
      /on devices added by this partner or other partners, and remove devices added by this partner or other partners \(/,
    ],
    [
      'dap-required',
      false,
      'R35',
      /may not assign or remove profiles, but remove devices added by this partner \(/,
    ],
    [
      'dap-required',
      true,
      'R35',
      /profiles on devices added by this partner or other partners or the customer, and remove devices added by this partner or other partners or the customer/,
    ],
  ] as const)(
    'R40, R32, R35: MANAGE_AUTOPILOT_DEVICES under %s (DAP %s) spells out which devices',
    (policy, dap, rule, reason) => {
      const verdict = autopilotCapability(
        'ADMIN_AGENT',
        CONTOSO,
        'MANAGE_AUTOPILOT_DEVICES',
        facts(policy, dap),
      );
      expect(verdict).toMatchObject({ allowed: true, rule });
      expect(verdict.reason).toMatch(reason);
      expect(verdict.reason).toContain(`Autopilot policy ${policy}`);
    },
  );

  it('R40, R35, R67: under dap-required, MANAGE_AUTOPILOT_DEVICES through a GDAP role names the relationship and the assignment that give it', () => {
    const grant = {
      relationshipId: 'rel-1',
      relationshipName: 'Device fleet',
      assignmentId: 'assignment-1',
      securityGroupId: 'ADMIN_AGENTS',
      roles: [DIRECTORY_ROLES.INTUNE_ADMINISTRATOR],
      endDateTime: '2099-01-01T00:00:00.000Z',
    };
    const verdict = autopilotCapability('ADMIN_AGENT', CONTOSO, 'MANAGE_AUTOPILOT_DEVICES', {
      relationshipActive: true,
      dapStatus: 'NONE',
      policy: 'dap-required',
      gdapGrants: [grant],
    });
    expect(verdict).toMatchObject({ allowed: true, rule: 'R67' });
    expect(verdict.reason).toMatch(/or the customer, and remove devices added by/);
    expect(verdict.reason).toContain('GDAP relationship “Device fleet” (rel-1)');
    expect(verdict.reason).toContain('access assignment assignment-1');
    expect(verdict.reason).toContain('Intune Administrator');
    expect(verdict.reason).toContain('Autopilot policy dap-required');
  });

  it('R30: without a relationship no Autopilot action is allowed, under either policy', () => {
    for (const policy of ['current', 'dap-required'] as const) {
      for (const action of AUTOPILOT_ACTIONS) {
        const verdict = autopilotCapability('ADMIN_AGENT', CONTOSO, action, {
          relationshipActive: false,
          dapStatus: 'ACTIVE',
          policy,
        });
        expect(verdict).toMatchObject({ allowed: false, rule: 'R30' });
      }
    }
  });

  it('R35, R67: under dap-required, a refusal says neither DAP nor a GDAP role of the group allows it, and which roles would', () => {
    for (const dapStatus of ['NONE', 'REMOVED'] as const) {
      const verdict = autopilotCapability('ADMIN_AGENT', CONTOSO, 'MANAGE_AUTOPILOT_PROFILES', {
        relationshipActive: true,
        dapStatus,
        policy: 'dap-required',
      });
      expect(verdict).toMatchObject({ allowed: false, rule: 'R35' });
      expect(verdict.reason).toMatch(
        /needs delegated admin privileges or a GDAP role that allows it/,
      );
      expect(verdict.reason).toContain(
        'no active GDAP access assignment of ADMIN_AGENTS holds a role that allows managing Autopilot (Global Administrator or Intune Administrator)',
      );
    }
  });

  it('R35, R9, R12: a refusal after DAP was removed does not say who removed it, which the pages do not know (an end removes it too)', () => {
    const verdict = autopilotCapability('ADMIN_AGENT', CONTOSO, 'MANAGE_AUTOPILOT_PROFILES', {
      relationshipActive: true,
      dapStatus: 'REMOVED',
      policy: 'dap-required',
    });
    expect(verdict.reason).toContain(
      'delegated admin privileges were removed (by the customer, or as a reseller relationship ended)',
    );
    expect(verdict.reason).not.toMatch(/the customer removed/);
  });
});
