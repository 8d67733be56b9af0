import { autopilotRegistryDecider } from '../../src/autopilot/domain/autopilot-registry.decider';
import { customerServices } from '../../src/delegated-admin/domain/customer-services';
import { partnerRolesOf } from '../../src/delegated-admin/domain/partner-capabilities';
import { serviceRequestsDecider } from '../../src/delegated-admin/domain/service-requests/service-requests.decider';
import {
  type CapabilityAnswer,
  effectiveAccess,
  groupAccess,
} from '../../src/effective-access/domain/effective-access';
import type { GdapCommand } from '../../src/gdap/domain/commands';
import type { GdapStreamEvent } from '../../src/gdap/domain/events';
import { gdapDecider } from '../../src/gdap/domain/gdap.decider';
import { grantsFor } from '../../src/gdap/domain/gdap-state';
import { DIRECTORY_ROLES } from '../../src/gdap/domain/role-catalogue';
import { groupsOfTokenRoles, partnerDefinedGroupsOf } from '../../src/gdap/domain/security-groups';
import type { Actor } from '../../src/platform/domain/actor';
import { fold } from '../../src/platform/domain/decider';
import { DomainError } from '../../src/platform/domain/domain-error';
import type { DapStatus } from '../../src/platform/domain/pair-facts';
import { factsBehindFence, type PairSnapshot } from '../../src/platform/domain/revocation-fences';
import { decideOn } from '../support/given';
import {
  ann,
  approve,
  at,
  CONTOSO,
  createCommand,
  due,
  FABRIKAM,
  fay,
  historyOf,
  REL,
  requestApproval,
} from './domain/gdap.fixtures';

const { HELPDESK_ADMINISTRATOR, INTUNE_ADMINISTRATOR } = DIRECTORY_ROLES;
const ROLES = [HELPDESK_ADMINISTRATOR, INTUNE_ADMINISTRATOR];

/** Each partner role of the table: the user's token roles and the group GDAP assigns to. */
const PARTNER_ROLES = {
  'Admin Agents': { tokenRoles: ['AdminAgent'], group: 'ADMIN_AGENTS' },
  'Helpdesk Agents': { tokenRoles: ['HelpdeskAgent'], group: 'HELPDESK_AGENTS' },
  'Sales Agents': { tokenRoles: ['SalesAgent'], group: 'SALES_AGENTS' },
  // A Sales Agent (nothing from DAP, R14) who is also in a group the partner defined (R66).
  'a partner-defined group': { tokenRoles: ['SalesAgent', 'tier-two'], group: 'tier-two' },
  // No partner role at all: only the group the partner defined (R66); its answers are the group's.
  'only a partner-defined group': { tokenRoles: ['tier-two'], group: 'tier-two' },
} as const;
type PartnerRoleRow = keyof typeof PARTNER_ROLES;

const assignTo = (group: string): GdapCommand => ({
  type: 'CreateDelegatedAdminAccessAssignment',
  actor: ann,
  relationshipId: REL,
  assignmentId: '44444444-4444-4444-8444-444444444444',
  securityGroupId: group,
  roleTemplateIds: ROLES.map((role) => role.roleTemplateId),
});

/**
 * The GDAP states, each a history the decider made and the day it is looked at: approved on day 1
 * for 90 days (no auto-extension), the group assigned Helpdesk and Intune Administrator.
 */
const GDAP_STATES: Record<string, (group: string) => { history: GdapStreamEvent[]; day: number }> =
  {
    none: () => ({ history: [], day: 10 }),
    'active with an assignment': (group) => ({ history: activeFor(group), day: 10 }),
    expired: (group) => ({ history: continued(activeFor(group), [[due, 92]]), day: 92 }),
    terminated: (group) => ({
      history: continued(activeFor(group), [
        [{ type: 'TerminateDelegatedAdminRelationship', actor: fay, relationshipId: REL }, 5],
        [due, 5],
      ]),
      day: 10,
    }),
    'assignment deleted': (group) => ({
      history: continued(activeFor(group), [
        [
          {
            type: 'DeleteDelegatedAdminAccessAssignment',
            actor: ann,
            relationshipId: REL,
            assignmentId: '44444444-4444-4444-8444-444444444444',
          },
          5,
        ],
        [due, 5],
      ]),
      day: 10,
    }),
  };

function activeFor(group: string): GdapStreamEvent[] {
  return historyOf(
    [createCommand({ roles: ROLES, duration: 'P90D', autoExtendDuration: 'PT0S' }), 0],
    [requestApproval(), 0],
    [approve(), 1],
    [assignTo(group), 1],
    [due, 1],
  );
}

function continued(history: GdapStreamEvent[], steps: [GdapCommand, number][]): GdapStreamEvent[] {
  return steps.reduce(
    (events, [command, day]) => [...events, ...decideOn(gdapDecider, events, command, at(day))],
    history,
  );
}

const DAP_STATES: Record<string, DapStatus> = {
  none: 'NONE',
  active: 'ACTIVE',
  removed: 'REMOVED',
};

/** What the deciders answer: 'ALLOWED', or the refusal's code and rule. */
function outcomeOf(decide: () => unknown[]): string {
  try {
    return decide().length > 0 ? 'ALLOWED' : 'NOTHING';
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return `${error.code} ${error.rule ?? '-'}`;
  }
}
const expectedOutcome = (answer: Pick<CapabilityAnswer, 'allowed' | 'rule'>) =>
  answer.allowed ? 'ALLOWED' : `FORBIDDEN ${answer.rule}`;

const cases = Object.keys(PARTNER_ROLES).flatMap((role) =>
  Object.keys(DAP_STATES).flatMap((dap) =>
    Object.keys(GDAP_STATES).map((gdap) => [role as PartnerRoleRow, dap, gdap] as const),
  ),
);

/**
 * R67 (with R13, R14, R35, R40, R62–R66): every partner role x DAP x GDAP state, through
 * effectiveAccess and through what the commands and pages decide with: opening a service request
 * (its decider), creating an Autopilot profile under dap-required (the registry's decider), the
 * admin portals' usability on the Customers page. The facts are the ones the commands read: the
 * pair's streams as snapshots, the GDAP grants from the GDAP stream's own history.
 */
describe('R40, R67: effectiveAccess and the commands agree for every partner role, DAP and GDAP state', () => {
  function situationOf(role: PartnerRoleRow, dap: string, gdap: string) {
    const { tokenRoles, group } = PARTNER_ROLES[role];
    const { history, day } = GDAP_STATES[gdap](group);
    const now = at(day);
    const dapStatus = DAP_STATES[dap];
    const pair: PairSnapshot = {
      relationship: { active: true, revision: 0 },
      dap: {
        status: dapStatus,
        revision: dapStatus === 'NONE' ? -1 : dapStatus === 'ACTIVE' ? 0 : 1,
      },
      gdap: {
        grants: grantsFor(fold(gdapDecider, history), FABRIKAM),
        revision: history.length - 1,
      },
    };
    const actor: Actor = {
      userId: 'pat',
      name: 'Pat',
      tenantId: CONTOSO,
      tenantKind: 'partner',
      roles: [...tokenRoles],
    };
    const situation = {
      partnerTenantId: CONTOSO,
      pair: factsBehindFence(pair, {}, now),
      subscriptions: [],
      autopilotPolicy: 'dap-required',
      partnerDefinedGroups: partnerDefinedGroupsOf(actor.roles),
    } as const;
    const roles = partnerRolesOf(actor.roles);
    // The answers about this user: its role's, or, holding none, its group's (R40, R67).
    const answers: Omit<CapabilityAnswer, 'role' | 'subscriptionId'>[] =
      roles.length > 0
        ? effectiveAccess(roles, situation)
        : groupAccess(situation.partnerDefinedGroups, situation);
    const answer = (action: CapabilityAnswer['action']) => {
      const found = answers.find((a) => a.action === action);
      if (!found) throw new Error(`no answer for ${action}`);
      return found;
    };
    return { actor, pair, now, answer };
  }

  it.each(cases)(
    'R67, R13, R14: %s, DAP %s, GDAP %s: opening a service request',
    (role, dap, gdap) => {
      const { actor, pair, now, answer } = situationOf(role, dap, gdap);
      const outcome = outcomeOf(() =>
        decideOn(
          serviceRequestsDecider,
          [],
          {
            type: 'OpenServiceRequest',
            actor,
            partnerTenantId: CONTOSO,
            customerTenantId: FABRIKAM,
            serviceRequestId: 'sr-1',
            title: 'Reset a password',
            description: 'For a user who forgot it',
            pair,
          },
          now,
        ),
      );
      expect(outcome).toBe(expectedOutcome(answer('OPEN_SERVICE_REQUEST')));
    },
  );

  it.each(cases)(
    'R67, R35: %s, DAP %s, GDAP %s: an Autopilot profile under dap-required',
    (role, dap, gdap) => {
      const { actor, pair, now, answer } = situationOf(role, dap, gdap);
      const outcome = outcomeOf(() =>
        decideOn(
          autopilotRegistryDecider,
          [],
          {
            type: 'CreateAutopilotProfile',
            actor,
            customerTenantId: FABRIKAM,
            pair,
            policy: 'dap-required',
            profileId: 'profile-1',
            name: 'Laptops',
            description: null,
            settings: null,
          },
          now,
        ),
      );
      expect(outcome).toBe(expectedOutcome(answer('MANAGE_AUTOPILOT_PROFILES')));
    },
  );

  it.each(cases)(
    'R67, R14, R16: %s, DAP %s, GDAP %s: the admin portals on the Customers page',
    (role, dap, gdap) => {
      const { actor, pair, now, answer } = situationOf(role, dap, gdap);
      const services = customerServices(
        { tenantId: FABRIKAM, domain: 'fabrikam.onmicrosoft.com' },
        {
          partnerTenantId: CONTOSO,
          roles: partnerRolesOf(actor.roles),
          groups: groupsOfTokenRoles(actor.roles),
        },
        factsBehindFence(pair, {}, now),
        [],
      ).filter((service) => service.name !== 'Azure');
      const portals = answer('USE_ADMIN_PORTALS');
      for (const { verdict } of services) {
        expect({ allowed: verdict.allowed, rule: verdict.rule }).toEqual({
          allowed: portals.allowed,
          rule: portals.rule,
        });
      }
    },
  );

  /**
   * What the table must show, written from the rules: DAP gives Admin Agents everything and
   * Helpdesk Agents the portals and service requests (R14), Sales Agents nothing; GDAP's Helpdesk
   * and Intune Administrator give the assigned group the portals, service requests, helpdesk
   * actions and, under dap-required, Autopilot profiles to Admin Agents (R35 via R67), never
   * managing the directory; only while the relationship and assignment are in force (R63–R66).
   */
  it('R14, R35, R63, R64, R66, R67: who may do what, row by row', () => {
    const table = Object.fromEntries(
      cases.map(([role, dap, gdap]) => {
        const { answer } = situationOf(role, dap, gdap);
        const allowed = (
          [
            'MANAGE_DIRECTORY',
            'USE_ADMIN_PORTALS',
            'OPEN_SERVICE_REQUEST',
            'MANAGE_AUTOPILOT_PROFILES',
          ] as const
        ).filter((action) => answer(action).allowed);
        return [`${role} / DAP ${dap} / GDAP ${gdap}`, allowed.join(' ')];
      }),
    );
    const ALL = 'MANAGE_DIRECTORY USE_ADMIN_PORTALS OPEN_SERVICE_REQUEST MANAGE_AUTOPILOT_PROFILES';
    const HELPDESK = 'USE_ADMIN_PORTALS OPEN_SERVICE_REQUEST';
    const GDAP_ADMIN = 'USE_ADMIN_PORTALS OPEN_SERVICE_REQUEST MANAGE_AUTOPILOT_PROFILES';
    const ended = ['none', 'expired', 'terminated', 'assignment deleted'];
    for (const gdap of Object.keys(GDAP_STATES)) {
      const inForce = !ended.includes(gdap);
      expect(table[`Admin Agents / DAP active / GDAP ${gdap}`]).toBe(ALL);
      expect(table[`Admin Agents / DAP none / GDAP ${gdap}`]).toBe(inForce ? GDAP_ADMIN : '');
      expect(table[`Admin Agents / DAP removed / GDAP ${gdap}`]).toBe(inForce ? GDAP_ADMIN : '');
      expect(table[`Helpdesk Agents / DAP active / GDAP ${gdap}`]).toBe(HELPDESK);
      expect(table[`Helpdesk Agents / DAP none / GDAP ${gdap}`]).toBe(inForce ? HELPDESK : '');
      expect(table[`Helpdesk Agents / DAP removed / GDAP ${gdap}`]).toBe(inForce ? HELPDESK : '');
      for (const dap of Object.keys(DAP_STATES)) {
        expect(table[`Sales Agents / DAP ${dap} / GDAP ${gdap}`]).toBe(inForce ? HELPDESK : '');
        expect(table[`a partner-defined group / DAP ${dap} / GDAP ${gdap}`]).toBe(
          inForce ? HELPDESK : '',
        );
        expect(table[`only a partner-defined group / DAP ${dap} / GDAP ${gdap}`]).toBe(
          inForce ? HELPDESK : '',
        );
      }
    }
  });

  it('R40, R66, R67: a user in a partner-defined group only is answered for it, naming the relationship and assignment', () => {
    const active = situationOf('only a partner-defined group', 'none', 'active with an assignment');
    for (const action of [
      'USE_ADMIN_PORTALS',
      'OPEN_SERVICE_REQUEST',
      'HELPDESK_ACTIONS',
    ] as const) {
      const granted = active.answer(action);
      expect(granted).toMatchObject({ securityGroupId: 'tier-two', allowed: true, rule: 'R67' });
      expect(granted.reason).toContain(REL);
      expect(granted.reason).toContain('44444444-4444-4444-8444-444444444444');
    }
    expect(active.answer('MANAGE_DIRECTORY')).toMatchObject({ allowed: false, rule: 'R14' });
    // Autopilot needs a partner role as well (R30), whatever the group holds.
    expect(active.answer('MANAGE_AUTOPILOT_PROFILES')).toMatchObject({
      allowed: false,
      rule: 'R30',
    });
    const ended = situationOf('only a partner-defined group', 'active', 'terminated');
    expect(ended.answer('OPEN_SERVICE_REQUEST')).toMatchObject({ allowed: false, rule: 'R14' });
    expect(ended.answer('OPEN_SERVICE_REQUEST').reason).toContain('tier-two');
  });
});
