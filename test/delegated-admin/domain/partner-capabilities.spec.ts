import {
  assertPartnerMay,
  DAP_CAPABILITY_ACTIONS,
  type DapCapabilityAction,
  type DapStatus,
  PARTNER_ROLE_NAMES,
  type PairFacts,
  type PartnerRoleName,
  partnerRolesMay,
  partnerRolesOf,
} from '../../../src/delegated-admin/domain/partner-capabilities';
import { dapGrantDecider } from '../../../src/delegated-admin/domain/dap-grant/dap-grant.decider';
import type { DapGrantEvent } from '../../../src/delegated-admin/domain/dap-grant/events';
import type { ServiceRequestCommand } from '../../../src/delegated-admin/domain/service-requests/commands';
import type { ServiceRequestEvent } from '../../../src/delegated-admin/domain/service-requests/events';
import { serviceRequestsDecider } from '../../../src/delegated-admin/domain/service-requests/service-requests.decider';
import type { Actor, PartnerRole } from '../../../src/platform/domain/actor';
import { fold } from '../../../src/platform/domain/decider';
import { DomainError, type RuleId } from '../../../src/platform/domain/domain-error';
import { DIRECTORY_ROLES } from '../../../src/gdap/domain/role-catalogue';
import { customerGlobalAdmin, customerUser, decideOn, partnerUser } from '../../support/given';

const T0 = new Date('2025-03-01T10:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;
const at = (offsetMs: number): Date => new Date(T0.getTime() + offsetMs);

const CONTOSO = 'partner-contoso';
const FABRIKAM = 'customer-fabrikam';

/** 'ALLOWED', or the rule that refuses. */
type Expected = 'ALLOWED' | RuleId;
const DAP_STATUSES: DapStatus[] = ['NONE', 'ACTIVE', 'REMOVED'];

/**
 * With an active reseller relationship, per role and action: the answer when DAP is
 * [NONE, ACTIVE, REMOVED]. Written from RULES.md:
 * - R14: with DAP, AdminAgent manages directory and services (admin portals, which include the
 *   helpdesk actions of a Helpdesk Administrator) and opens service requests; HelpdeskAgent opens
 *   service requests and does helpdesk actions; SalesAgent gets nothing from DAP. Without DAP
 *   (never granted) nothing DAP-backed is allowed (R14).
 * - R13: after removal, nothing DAP-backed is allowed until a new invitation with DAP.
 * Without an active relationship every answer is R7.
 */
const WITH_RELATIONSHIP: Record<PartnerRoleName, Record<DapCapabilityAction, Expected[]>> = {
  ADMIN_AGENT: {
    MANAGE_DIRECTORY: ['R14', 'ALLOWED', 'R13'],
    USE_ADMIN_PORTALS: ['R14', 'ALLOWED', 'R13'],
    OPEN_SERVICE_REQUEST: ['R14', 'ALLOWED', 'R13'],
    HELPDESK_ACTIONS: ['R14', 'ALLOWED', 'R13'],
  },
  SALES_AGENT: {
    MANAGE_DIRECTORY: ['R14', 'R14', 'R14'],
    USE_ADMIN_PORTALS: ['R14', 'R14', 'R14'],
    OPEN_SERVICE_REQUEST: ['R14', 'R14', 'R14'],
    HELPDESK_ACTIONS: ['R14', 'R14', 'R14'],
  },
  HELPDESK_AGENT: {
    MANAGE_DIRECTORY: ['R14', 'R14', 'R14'],
    // R14 as revised on 2026-11-30: Helpdesk Agents sign in to the admin portals for helpdesk work.
    USE_ADMIN_PORTALS: ['R14', 'ALLOWED', 'R13'],
    OPEN_SERVICE_REQUEST: ['R14', 'ALLOWED', 'R13'],
    HELPDESK_ACTIONS: ['R14', 'ALLOWED', 'R13'],
  },
};

function expectedFor(
  role: PartnerRoleName,
  action: DapCapabilityAction,
  facts: PairFacts,
): Expected {
  if (!facts.relationshipActive) return 'R7';
  return WITH_RELATIONSHIP[role][action][DAP_STATUSES.indexOf(facts.dapStatus)];
}

const ALL_FACTS: PairFacts[] = [true, false].flatMap((relationshipActive) =>
  DAP_STATUSES.map((dapStatus) => ({ relationshipActive, dapStatus })),
);

const singleRoleRows = PARTNER_ROLE_NAMES.flatMap((role) =>
  DAP_CAPABILITY_ACTIONS.flatMap((action) =>
    ALL_FACTS.map(
      (facts) =>
        [
          role,
          action,
          facts.relationshipActive,
          facts.dapStatus,
          expectedFor(role, action, facts),
        ] as const,
    ),
  ),
);

/** Every subset of the partner roles, the empty one included. */
const ROLE_SETS: PartnerRoleName[][] = PARTNER_ROLE_NAMES.reduce<PartnerRoleName[][]>(
  (sets, role) => [...sets, ...sets.map((set) => [...set, role])],
  [[]],
);

const TOKEN_ROLE: Record<PartnerRoleName, PartnerRole> = {
  ADMIN_AGENT: 'AdminAgent',
  SALES_AGENT: 'SalesAgent',
  HELPDESK_AGENT: 'HelpdeskAgent',
};

/** The service request a partner user opens, with the pair as DAP's history leaves it. */
const openServiceRequest = (
  actor: Actor,
  relationshipActive: boolean,
  dapHistory: DapGrantEvent[],
): ServiceRequestCommand => ({
  type: 'OpenServiceRequest',
  actor,
  partnerTenantId: CONTOSO,
  customerTenantId: FABRIKAM,
  serviceRequestId: 'sr-1',
  title: 'Licence question',
  description: 'Which plan covers Teams Phone?',
  pair: {
    relationship: { active: relationshipActive, revision: 0 },
    dap: { status: fold(dapGrantDecider, dapHistory).status, revision: dapHistory.length - 1 },
  },
});

const contosoUser = (roles: PartnerRole[]): Actor =>
  partnerUser(roles, { tenantId: CONTOSO, tenantName: 'Contoso' });

describe('partner capabilities', () => {
  it('R40: the table covers exactly the partner roles and DAP-backed actions', () => {
    expect([...PARTNER_ROLE_NAMES].sort()).toEqual(Object.keys(WITH_RELATIONSHIP).sort());
    for (const role of PARTNER_ROLE_NAMES) {
      expect([...DAP_CAPABILITY_ACTIONS].sort()).toEqual(
        Object.keys(WITH_RELATIONSHIP[role]).sort(),
      );
    }
    expect(singleRoleRows).toHaveLength(3 * 4 * 2 * 3);
  });

  describe('R40, R7, R13, R14: partnerRolesMay for one role', () => {
    it.each(singleRoleRows)(
      'R40: %s / %s / relationshipActive=%s / DAP %s → %s',
      (role, action, relationshipActive, dapStatus, expected) => {
        const verdict = partnerRolesMay([role], action, { relationshipActive, dapStatus });

        if (expected === 'ALLOWED') {
          expect(verdict).toMatchObject({ allowed: true, rule: 'R14' });
        } else {
          expect(verdict).toMatchObject({ allowed: false, rule: expected });
        }
        expect(verdict.reason.trim().length).toBeGreaterThan(10);
      },
    );
  });

  describe('R40: the reasons say why', () => {
    it('R7: a refusal without a relationship names the missing reseller relationship', () => {
      const verdict = partnerRolesMay(['ADMIN_AGENT'], 'MANAGE_DIRECTORY', {
        relationshipActive: false,
        dapStatus: 'ACTIVE',
      });

      expect(verdict.reason).toMatch(/reseller relationship/);
    });

    it('R7, R67: without a reseller relationship, a refusal also names the GDAP roles that would allow it (GDAP needs none)', () => {
      const verdict = partnerRolesMay(['HELPDESK_AGENT'], 'HELPDESK_ACTIONS', {
        relationshipActive: false,
        dapStatus: 'NONE',
      });

      expect(verdict).toMatchObject({ allowed: false, rule: 'R7' });
      expect(verdict.reason).toBe(
        'The partner has no active reseller relationship with this customer, so no delegated admin privileges, and no active GDAP access assignment of HELPDESK_AGENTS holds a role that allows helpdesk actions (Global Administrator, Helpdesk Administrator, User Administrator or Privileged Role Administrator): the customer must accept an invitation that includes DAP, or the partner must assign one of these roles to the group in a GDAP relationship the customer approved.',
      );
    });

    it('R14, R67: a Sales Agent is told Sales Agents get nothing from DAP, and which GDAP roles of its group would allow it', () => {
      const verdict = partnerRolesMay(['SALES_AGENT'], 'OPEN_SERVICE_REQUEST', {
        relationshipActive: true,
        dapStatus: 'ACTIVE',
      });

      expect(verdict).toMatchObject({ allowed: false, rule: 'R14' });
      expect(verdict.reason).toMatch(
        /^Through DAP only Admin Agents and Helpdesk Agents may do this \(Sales Agents get nothing from DAP\), and no active GDAP access assignment of SALES_AGENTS holds a role that allows opening service requests for the customer \(.*Helpdesk Administrator.*\): the partner must assign one of these roles to the group in a GDAP relationship the customer approved\.$/,
      );
    });

    it('R14, R67: a Helpdesk Agent refused the directory, with DAP active and a GDAP role too narrow, is told which roles would allow it', () => {
      const verdict = partnerRolesMay(['HELPDESK_AGENT'], 'MANAGE_DIRECTORY', {
        relationshipActive: true,
        dapStatus: 'ACTIVE',
        gdapGrants: [
          {
            relationshipId: 'rel-1',
            relationshipName: 'Helpdesk',
            assignmentId: 'assignment-1',
            securityGroupId: 'HELPDESK_AGENTS',
            roles: [DIRECTORY_ROLES.HELPDESK_ADMINISTRATOR],
            endDateTime: '2099-01-01T00:00:00.000Z',
          },
        ],
      });

      expect(verdict).toMatchObject({ allowed: false, rule: 'R14' });
      expect(verdict.reason).toMatch(
        /^Through DAP only Admin Agents may do this, and no active GDAP/,
      );
      expect(verdict.reason).toMatch(/HELPDESK_AGENTS holds a role that allows managing/);
      expect(verdict.reason).toMatch(/assign one of these roles to the group/);
    });

    it('R13: a refusal after removal says a new invitation with DAP must be accepted', () => {
      const verdict = partnerRolesMay(['HELPDESK_AGENT'], 'HELPDESK_ACTIONS', {
        relationshipActive: true,
        dapStatus: 'REMOVED',
      });

      expect(verdict.reason).toMatch(/removed/);
      expect(verdict.reason).toMatch(/new invitation that includes DAP/);
    });

    it('R14, R67: without DAP, a refusal GDAP does not lift either names the group, the roles that would allow it and both ways to them', () => {
      const readerOnly: PairFacts = {
        relationshipActive: true,
        dapStatus: 'NONE',
        gdapGrants: [
          {
            relationshipId: 'rel-1',
            relationshipName: 'Readers',
            assignmentId: 'assignment-1',
            securityGroupId: 'HELPDESK_AGENTS',
            roles: [DIRECTORY_ROLES.SECURITY_READER],
            endDateTime: '2099-01-01T00:00:00.000Z',
          },
        ],
      };
      const verdict = partnerRolesMay(['HELPDESK_AGENT'], 'HELPDESK_ACTIONS', readerOnly);

      expect(verdict).toMatchObject({ allowed: false, rule: 'R14' });
      expect(verdict.reason).toBe(
        'The partner holds no delegated admin privileges for this customer, and no active GDAP access assignment of HELPDESK_AGENTS holds a role that allows helpdesk actions (Global Administrator, Helpdesk Administrator, User Administrator or Privileged Role Administrator): the customer must accept an invitation that includes DAP, or the partner must assign one of these roles to the group in a GDAP relationship the customer approved.',
      );
    });

    it('R13, R9, R67: after removal (which the pages do not attribute: the customer, or an end), a refusal names the GDAP roles that would allow it beside a new invitation with DAP', () => {
      const verdict = partnerRolesMay(['ADMIN_AGENT'], 'MANAGE_DIRECTORY', {
        relationshipActive: true,
        dapStatus: 'REMOVED',
      });

      expect(verdict).toMatchObject({ allowed: false, rule: 'R13' });
      expect(verdict.reason).toMatch(
        /^The partner’s delegated admin privileges were removed \(by the customer, or as a reseller relationship ended\), and no active GDAP access assignment of ADMIN_AGENTS holds a role that allows managing the customer’s directory \(Global Administrator, User Administrator or Privileged Role Administrator\): the customer must accept a new invitation that includes DAP first, or the partner must assign/,
      );
    });

    it('R14: an allowed answer names the DAP role it comes from', () => {
      const facts: PairFacts = { relationshipActive: true, dapStatus: 'ACTIVE' };

      expect(partnerRolesMay(['ADMIN_AGENT'], 'MANAGE_DIRECTORY', facts).reason).toMatch(
        /Global Administrator/,
      );
      expect(partnerRolesMay(['HELPDESK_AGENT'], 'HELPDESK_ACTIONS', facts).reason).toMatch(
        /Helpdesk Administrator/,
      );
    });
  });

  it('R14 (revised 2026-11-30): a Helpdesk Agent with DAP signs in to the admin portals but does not manage the directory', () => {
    const facts: PairFacts = { relationshipActive: true, dapStatus: 'ACTIVE' };
    const portals = partnerRolesMay(['HELPDESK_AGENT'], 'USE_ADMIN_PORTALS', facts);
    expect(portals).toMatchObject({ allowed: true, rule: 'R14' });
    expect(portals.reason).toMatch(/Helpdesk Agents \(Helpdesk Administrator, for helpdesk work\)/);
    expect(partnerRolesMay(['HELPDESK_AGENT'], 'MANAGE_DIRECTORY', facts)).toMatchObject({
      allowed: false,
      rule: 'R14',
    });
  });

  describe('R14: several roles', () => {
    const rows = ROLE_SETS.flatMap((roles) =>
      DAP_CAPABILITY_ACTIONS.flatMap((action) =>
        ALL_FACTS.map((facts) => [roles.join('+') || '(none)', roles, action, facts] as const),
      ),
    );

    it.each(rows)(
      'R14: roles %s, %s, %o: allowed if any role is',
      (_label, roles, action, facts) => {
        const expected = roles.some((role) => expectedFor(role, action, facts) === 'ALLOWED');

        expect(partnerRolesMay(roles, action, facts).allowed).toBe(expected);
      },
    );

    it('R14: a user with no partner role is refused under R14, even with DAP', () => {
      expect(
        partnerRolesMay([], 'OPEN_SERVICE_REQUEST', {
          relationshipActive: true,
          dapStatus: 'ACTIVE',
        }),
      ).toMatchObject({ allowed: false, rule: 'R14' });
    });

    it('R14: SalesAgent + HelpdeskAgent may open service requests but not manage the directory', () => {
      const facts: PairFacts = { relationshipActive: true, dapStatus: 'ACTIVE' };
      const roles: PartnerRoleName[] = ['SALES_AGENT', 'HELPDESK_AGENT'];

      expect(partnerRolesMay(roles, 'OPEN_SERVICE_REQUEST', facts).allowed).toBe(true);
      expect(partnerRolesMay(roles, 'MANAGE_DIRECTORY', facts)).toMatchObject({
        allowed: false,
        rule: 'R14',
      });
    });

    it('R13: SalesAgent + AdminAgent after removal is refused for the removal, not the role', () => {
      const verdict = partnerRolesMay(['SALES_AGENT', 'ADMIN_AGENT'], 'MANAGE_DIRECTORY', {
        relationshipActive: true,
        dapStatus: 'REMOVED',
      });

      expect(verdict).toMatchObject({ allowed: false, rule: 'R13' });
    });
  });

  describe('partnerRolesOf', () => {
    it('R14: maps the token roles to partner role names, in order', () => {
      expect(partnerRolesOf(['HelpdeskAgent', 'AdminAgent', 'SalesAgent'])).toEqual([
        'HELPDESK_AGENT',
        'ADMIN_AGENT',
        'SALES_AGENT',
      ]);
    });

    it('R14: ignores roles that are not partner token roles', () => {
      expect(
        partnerRolesOf([
          'GlobalAdmin',
          'Operator',
          'adminagent',
          'ADMIN_AGENT',
          'Helpdesk Agent',
          '',
          'SalesAgent',
        ]),
      ).toEqual(['SALES_AGENT']);
      expect(partnerRolesOf([])).toEqual([]);
    });

    it('R14: ignores token roles named like Object.prototype members', () => {
      expect(partnerRolesOf(['constructor', 'toString', '__proto__', 'hasOwnProperty'])).toEqual(
        [],
      );
    });
  });

  describe('assertPartnerMay', () => {
    it.each(singleRoleRows)(
      'R40: %s / %s / relationshipActive=%s / DAP %s → %s, as a DomainError with the verdict',
      (role, action, relationshipActive, dapStatus, expected) => {
        const facts: PairFacts = { relationshipActive, dapStatus };
        const actor = contosoUser([TOKEN_ROLE[role]]);
        const attempt = () => assertPartnerMay(actor, CONTOSO, action, facts);

        if (expected === 'ALLOWED') {
          expect(attempt).not.toThrow();
          return;
        }
        const verdict = partnerRolesMay([role], action, facts);
        let thrown: unknown;
        try {
          attempt();
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(DomainError);
        expect(thrown).toMatchObject({
          code: 'FORBIDDEN',
          rule: expected,
          message: verdict.reason,
        });
      },
    );

    it.each<[string, Actor]>([
      [
        'an AdminAgent of another partner tenant',
        partnerUser(['AdminAgent'], { tenantId: 'partner-litware' }),
      ],
      ['a customer GlobalAdmin', customerGlobalAdmin({ tenantId: FABRIKAM })],
      [
        'a customer user carrying partner role names and the partner’s tenant id',
        customerUser(['AdminAgent', 'HelpdeskAgent'], { tenantId: CONTOSO }),
      ],
      [
        'an operator',
        { ...customerUser(['Operator', 'AdminAgent']), tenantKind: 'operator', tenantId: CONTOSO },
      ],
    ])('R17: %s may not act for the partner, whatever the facts', (_who, actor) => {
      for (const facts of ALL_FACTS) {
        for (const action of DAP_CAPABILITY_ACTIONS) {
          expect(() => assertPartnerMay(actor, CONTOSO, action, facts)).toThrow(
            expect.objectContaining({ code: 'FORBIDDEN', rule: 'R17' }),
          );
        }
      }
    });
  });

  describe('R40: the DapGrant decider opens service requests exactly when partnerRolesMay allows it', () => {
    // The DapGrant stream's histories, as literal events.
    const granted = (invitationId: string): DapGrantEvent => ({
      type: 'DelegatedAdminGranted',
      data: {
        partnerTenantId: CONTOSO,
        partnerName: 'Contoso',
        customerTenantId: FABRIKAM,
        customerName: 'Fabrikam',
        invitationId,
        roles: [
          {
            group: 'ADMIN_AGENTS',
            role: 'Global Administrator',
            roleTemplateId: '62e90394-69f5-4237-9190-012177145e10',
          },
          {
            group: 'HELPDESK_AGENTS',
            role: 'Helpdesk Administrator',
            roleTemplateId: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
          },
        ],
      },
    });
    const removed: DapGrantEvent = {
      type: 'DelegatedAdminRemoved',
      data: { partnerTenantId: CONTOSO, customerTenantId: FABRIKAM, reason: 'REMOVED_BY_CUSTOMER' },
    };

    const histories: [string, DapStatus, DapGrantEvent[]][] = [
      ['never granted', 'NONE', []],
      ['granted', 'ACTIVE', [granted('inv-1')]],
      ['granted then removed', 'REMOVED', [granted('inv-1'), removed]],
      ['granted, removed, granted again', 'ACTIVE', [granted('inv-1'), removed, granted('inv-2')]],
    ];

    const rows = ROLE_SETS.flatMap((roles) =>
      histories.flatMap(([label, dapStatus, history]) =>
        [true, false].map(
          (relationshipActive) =>
            [
              roles.join('+') || '(none)',
              label,
              relationshipActive,
              roles,
              dapStatus,
              history,
            ] as const,
        ),
      ),
    );

    it('R40: the histories fold to the DAP status they are labelled with', () => {
      expect(histories.map(([, , history]) => fold(dapGrantDecider, history).status)).toEqual(
        histories.map(([, dapStatus]) => dapStatus),
      );
    });

    it.each(rows)(
      'R40: roles %s, DAP %s, relationshipActive=%s',
      (_roles, _history, relationshipActive, roles, dapStatus, history) => {
        const verdict = partnerRolesMay(roles, 'OPEN_SERVICE_REQUEST', {
          relationshipActive,
          dapStatus,
        });
        expect(verdict.allowed).toBe(
          roles.some(
            (role) =>
              expectedFor(role, 'OPEN_SERVICE_REQUEST', { relationshipActive, dapStatus }) ===
              'ALLOWED',
          ),
        );
        const actor = contosoUser(roles.map((role) => TOKEN_ROLE[role]));
        const command = openServiceRequest(actor, relationshipActive, history);

        let events: ServiceRequestEvent[] | undefined;
        let thrown: unknown;
        try {
          events = decideOn(serviceRequestsDecider, [], command, at(10 * DAY));
        } catch (error) {
          thrown = error;
        }

        if (verdict.allowed) {
          expect(thrown).toBeUndefined();
          expect(events?.map((event) => event.type)).toEqual(['ServiceRequestOpened']);
        } else {
          expect(events).toBeUndefined();
          expect(thrown).toBeInstanceOf(DomainError);
          expect(thrown).toMatchObject({ code: 'FORBIDDEN', rule: verdict.rule });
        }
      },
    );

    it('R40: exactly 12 of the 64 combinations open a service request (Admin or Helpdesk Agent, active relationship, DAP active)', () => {
      const opened = rows.filter(([, , relationshipActive, roles, , history]) => {
        const actor = contosoUser(roles.map((role) => TOKEN_ROLE[role]));
        const command = openServiceRequest(actor, relationshipActive, history);
        try {
          return decideOn(serviceRequestsDecider, [], command, at(10 * DAY)).length === 1;
        } catch {
          return false;
        }
      });

      expect(rows).toHaveLength(8 * 4 * 2);
      expect(opened).toHaveLength(12);
    });
  });
});
