import { AUTOPILOT_ACTIONS } from '../../../src/autopilot/domain/autopilot-access';
import {
  type AccessSituation,
  type CapabilityAnswer,
  effectiveAccess,
  subscriptionsWithin,
} from '../../../src/effective-access/domain/effective-access';
import {
  PARTNER_ROLE_NAMES,
  type PairFacts,
  type PartnerRoleName,
} from '../../../src/delegated-admin/domain/partner-capabilities';
import type { RelationshipCommand } from '../../../src/invitations/domain/commands';
import type { RelationshipEvent } from '../../../src/invitations/domain/events';
import { relationshipDecider } from '../../../src/invitations/domain/relationship.decider';
import type { Actor, PartnerRole } from '../../../src/platform/domain/actor';
import { fold } from '../../../src/platform/domain/decider';
import { DomainError } from '../../../src/platform/domain/domain-error';
import type { SubscriptionRbacEvent } from '../../../src/azure-subscriptions/domain/events';
import { subscriptionRbacDecider } from '../../../src/azure-subscriptions/domain/subscription-rbac.decider';
import { decideOn, partnerUser } from '../../support/given';

const T0 = new Date('2025-03-01T10:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;
const at = (offsetMs: number): Date => new Date(T0.getTime() + offsetMs);

const CONTOSO = 'partner-contoso';
const FABRIKAM = 'customer-fabrikam';
const PROD = 'sub-prod';
const OWN = 'sub-own';

const TOKEN_ROLE: Record<PartnerRoleName, PartnerRole> = {
  ADMIN_AGENT: 'AdminAgent',
  SALES_AGENT: 'SalesAgent',
  HELPDESK_AGENT: 'HelpdeskAgent',
};
const contosoUser = (role: PartnerRoleName): Actor =>
  partnerUser([TOKEN_ROLE[role]], { tenantId: CONTOSO, tenantName: 'Contoso' });

// Given histories are literal events, as the streams record them.
/** Provisioned by Contoso: its Admin Agents hold Owner (R22). */
const provisionedHistory: SubscriptionRbacEvent[] = [
  {
    type: 'AzureSubscriptionProvisioned',
    data: {
      subscriptionId: PROD,
      customerTenantId: FABRIKAM,
      displayName: 'Prod',
      partnerTenantId: CONTOSO,
      partnerName: 'Contoso',
    },
  },
  {
    type: 'SubscriptionRoleAssigned',
    data: {
      subscriptionId: PROD,
      customerTenantId: FABRIKAM,
      assignmentId: 'asg-owner',
      role: 'OWNER',
      roleDefinitionId: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
      principal: { kind: 'PARTNER_GROUP', partnerTenantId: CONTOSO, group: 'ADMIN_AGENTS' },
      partnerTenantId: CONTOSO,
    },
  },
];
/** Registered by Fabrikam itself: no assignments (R21). */
const registeredHistory: SubscriptionRbacEvent[] = [
  {
    type: 'AzureSubscriptionRegistered',
    data: { subscriptionId: OWN, displayName: 'Fabrikam own', customerTenantId: FABRIKAM },
  },
];
const HISTORIES: Record<string, SubscriptionRbacEvent[]> = {
  [PROD]: provisionedHistory,
  [OWN]: registeredHistory,
};

function subscriptionFacts(history: SubscriptionRbacEvent[]) {
  const state = fold(subscriptionRbacDecider, history);
  if (!state.exists) throw new Error('the history does not create a subscription');
  return state;
}

/** As the customer's Global admin asking sees it: both of its subscriptions. */
const situation = (pair: PairFacts): AccessSituation => ({
  partnerTenantId: CONTOSO,
  pair,
  subscriptions: [subscriptionFacts(provisionedHistory), subscriptionFacts(registeredHistory)],
  autopilotPolicy: 'current',
});

/** Autopilot answers (R30–R35) are another spec's subject; here only their presence is checked. */
const isAutopilot = (answer: CapabilityAnswer) =>
  (AUTOPILOT_ACTIONS as readonly string[]).includes(answer.action);
const withoutAutopilot = (answers: CapabilityAnswer[]) => answers.filter((a) => !isAutopilot(a));

type Row = [PartnerRoleName, CapabilityAnswer['action'], string | null, boolean, string];

/**
 * Written from RULES.md for an active relationship with DAP active:
 * - R14: Admin Agents manage the directory, use the admin portals, open service requests and do
 *   helpdesk actions; Helpdesk Agents open service requests and do helpdesk actions; Sales Agents
 *   get nothing from DAP.
 * - R22: Admin and Sales Agents provision subscriptions (active relationship).
 * - R22, R25: on the subscription Contoso provisioned its Admin Agents hold Owner: they manage its
 *   resources (R25) and its access (who may change assignments: R24). Sales Agents (no group) and
 *   Helpdesk Agents (their group holds nothing) hold no role there (R21).
 * - R21: on the subscription Fabrikam registered itself no partner role holds anything, DAP or not.
 */
const EXPECTED_WITH_DAP: Row[] = [
  ['ADMIN_AGENT', 'MANAGE_DIRECTORY', null, true, 'R14'],
  ['ADMIN_AGENT', 'USE_ADMIN_PORTALS', null, true, 'R14'],
  ['ADMIN_AGENT', 'OPEN_SERVICE_REQUEST', null, true, 'R14'],
  ['ADMIN_AGENT', 'HELPDESK_ACTIONS', null, true, 'R14'],
  ['ADMIN_AGENT', 'PROVISION_SUBSCRIPTION', null, true, 'R22'],
  ['ADMIN_AGENT', 'MANAGE_SUBSCRIPTION', PROD, true, 'R25'],
  ['ADMIN_AGENT', 'MANAGE_SUBSCRIPTION_ACCESS', PROD, true, 'R24'],
  ['ADMIN_AGENT', 'MANAGE_SUBSCRIPTION', OWN, false, 'R21'],
  ['ADMIN_AGENT', 'MANAGE_SUBSCRIPTION_ACCESS', OWN, false, 'R24'],
  ['SALES_AGENT', 'MANAGE_DIRECTORY', null, false, 'R14'],
  ['SALES_AGENT', 'USE_ADMIN_PORTALS', null, false, 'R14'],
  ['SALES_AGENT', 'OPEN_SERVICE_REQUEST', null, false, 'R14'],
  ['SALES_AGENT', 'HELPDESK_ACTIONS', null, false, 'R14'],
  ['SALES_AGENT', 'PROVISION_SUBSCRIPTION', null, true, 'R22'],
  ['SALES_AGENT', 'MANAGE_SUBSCRIPTION', PROD, false, 'R21'],
  ['SALES_AGENT', 'MANAGE_SUBSCRIPTION_ACCESS', PROD, false, 'R24'],
  ['SALES_AGENT', 'MANAGE_SUBSCRIPTION', OWN, false, 'R21'],
  ['SALES_AGENT', 'MANAGE_SUBSCRIPTION_ACCESS', OWN, false, 'R24'],
  ['HELPDESK_AGENT', 'MANAGE_DIRECTORY', null, false, 'R14'],
  // R14 as revised on 2026-11-30: Helpdesk Agents sign in to the admin portals.
  ['HELPDESK_AGENT', 'USE_ADMIN_PORTALS', null, true, 'R14'],
  ['HELPDESK_AGENT', 'OPEN_SERVICE_REQUEST', null, true, 'R14'],
  ['HELPDESK_AGENT', 'HELPDESK_ACTIONS', null, true, 'R14'],
  ['HELPDESK_AGENT', 'PROVISION_SUBSCRIPTION', null, false, 'R22'],
  ['HELPDESK_AGENT', 'MANAGE_SUBSCRIPTION', PROD, false, 'R21'],
  ['HELPDESK_AGENT', 'MANAGE_SUBSCRIPTION_ACCESS', PROD, false, 'R24'],
  ['HELPDESK_AGENT', 'MANAGE_SUBSCRIPTION', OWN, false, 'R21'],
  ['HELPDESK_AGENT', 'MANAGE_SUBSCRIPTION_ACCESS', OWN, false, 'R24'],
];

const key = (role: string, action: string, subscriptionId: string | null) =>
  `${role} ${action} ${subscriptionId ?? '-'}`;
const asRows = (answers: CapabilityAnswer[]) =>
  answers
    .map(({ role, action, subscriptionId, allowed, rule }) => ({
      key: key(role, action, subscriptionId),
      allowed,
      rule,
    }))
    .sort((a, b) => a.key.localeCompare(b.key));
const expectedRows = (rows: Row[]) =>
  rows
    .map(([role, action, subscriptionId, allowed, rule]) => ({
      key: key(role, action, subscriptionId),
      allowed,
      rule,
    }))
    .sort((a, b) => a.key.localeCompare(b.key));

const PAIR_WITH_DAP: PairFacts = { relationshipActive: true, dapStatus: 'ACTIVE' };
const PAIR_DAP_REMOVED: PairFacts = { relationshipActive: true, dapStatus: 'REMOVED' };

/** What the decider answers: 'ALLOWED', or the refusal's code and rule. */
function outcomeOf(decide: () => unknown[]): string {
  try {
    const events = decide();
    return events.length > 0 ? 'ALLOWED' : 'NOTHING';
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return `${error.code} ${error.rule ?? '-'}`;
  }
}

describe('effectiveAccess', () => {
  it('R40: one partner-provisioned (Owner for Admin Agents) and one customer-registered subscription, DAP active', () => {
    const answers = effectiveAccess(PARTNER_ROLE_NAMES, situation(PAIR_WITH_DAP));

    expect(withoutAutopilot(answers)).toHaveLength(27);
    expect(asRows(withoutAutopilot(answers))).toEqual(expectedRows(EXPECTED_WITH_DAP));
    expect(
      answers
        .filter(isAutopilot)
        .map((a) => key(a.role, a.action, a.subscriptionId))
        .sort(),
    ).toEqual(
      PARTNER_ROLE_NAMES.flatMap((role) =>
        AUTOPILOT_ACTIONS.map((action) => key(role, action, null)),
      ).sort(),
    );
  });

  it('R40: every answer carries a reason a person can read', () => {
    const answers = effectiveAccess(PARTNER_ROLE_NAMES, situation(PAIR_WITH_DAP));

    for (const { reason } of answers) expect(reason.trim().length).toBeGreaterThan(10);
    const own = answers.find(
      (a) =>
        a.role === 'ADMIN_AGENT' && a.action === 'MANAGE_SUBSCRIPTION' && a.subscriptionId === OWN,
    );
    expect(own?.reason).toMatch(/delegated admin privileges give no access/);
    const prod = answers.find(
      (a) =>
        a.role === 'ADMIN_AGENT' && a.action === 'MANAGE_SUBSCRIPTION' && a.subscriptionId === PROD,
    );
    expect(prod?.reason).toMatch(/Owner/);
  });

  it('R40, R23: with DAP removed, the DAP answers become R13 and every subscription answer stays the same', () => {
    const withDap = effectiveAccess(PARTNER_ROLE_NAMES, situation(PAIR_WITH_DAP));
    const removed = effectiveAccess(PARTNER_ROLE_NAMES, situation(PAIR_DAP_REMOVED));
    const perSubscription = (answers: CapabilityAnswer[]) =>
      asRows(answers.filter((a) => a.subscriptionId !== null));

    expect(perSubscription(removed)).toEqual(perSubscription(withDap));
    expect(perSubscription(removed)).toHaveLength(12);
    const dapAllowedBefore = withDap.filter(
      (a) => ['OPEN_SERVICE_REQUEST', 'MANAGE_DIRECTORY'].includes(a.action) && a.allowed,
    );
    expect(dapAllowedBefore.map((a) => key(a.role, a.action, null)).sort()).toEqual([
      'ADMIN_AGENT MANAGE_DIRECTORY -',
      'ADMIN_AGENT OPEN_SERVICE_REQUEST -',
      'HELPDESK_AGENT OPEN_SERVICE_REQUEST -',
    ]);
    for (const before of dapAllowedBefore) {
      expect(
        removed.find((a) => a.role === before.role && a.action === before.action),
      ).toMatchObject({ allowed: false, rule: 'R13' });
    }
  });

  it('R40: the answer for one role is the same whether asked alone or with the others', () => {
    const all = effectiveAccess(PARTNER_ROLE_NAMES, situation(PAIR_WITH_DAP));
    for (const role of PARTNER_ROLE_NAMES) {
      expect(effectiveAccess([role], situation(PAIR_WITH_DAP))).toEqual(
        all.filter((a) => a.role === role),
      );
    }
  });

  it('R40: subscriptionsWithin is the most subscriptions whose answers fit in a bound, as effectiveAccess counts them', () => {
    const prod = subscriptionFacts(provisionedHistory);
    const answersAbout = (roleCount: number, subscriptionCount: number) =>
      effectiveAccess(PARTNER_ROLE_NAMES.slice(0, roleCount), {
        ...situation(PAIR_WITH_DAP),
        subscriptions: Array.from({ length: subscriptionCount }, () => prod),
      }).length;
    for (const roleCount of [1, 2, 3]) {
      for (const maxAnswers of [1, 7, 8, 24, 25, 26, 40, 41, 5_000]) {
        const within = subscriptionsWithin(roleCount, maxAnswers);
        expect({
          roleCount,
          maxAnswers,
          fits: answersAbout(roleCount, within + 1) <= maxAnswers,
        }).toEqual({ roleCount, maxAnswers, fits: false });
        if (within >= 0) expect(answersAbout(roleCount, within)).toBeLessThanOrEqual(maxAnswers);
        else expect(answersAbout(roleCount, 0)).toBeGreaterThan(maxAnswers);
      }
    }
    expect(subscriptionsWithin(0, 1)).toBe(Infinity);
  });

  describe('R40: the per-subscription answers agree with the SubscriptionRbac decider', () => {
    const answers = effectiveAccess(PARTNER_ROLE_NAMES, situation(PAIR_WITH_DAP));
    const accessAnswers = answers.filter((a) => a.action === 'MANAGE_SUBSCRIPTION_ACCESS');

    it('R40: there is one MANAGE_SUBSCRIPTION_ACCESS answer per role and subscription', () => {
      expect(accessAnswers).toHaveLength(6);
    });

    it.each(accessAnswers.map((a) => [a.role, a.subscriptionId, a] as const))(
      'R24: %s on %s: adding a role assignment succeeds exactly when effectiveAccess allows it',
      (role, subscriptionId, answer) => {
        const history = HISTORIES[subscriptionId as string];
        const outcome = outcomeOf(() =>
          decideOn(
            subscriptionRbacDecider,
            history,
            {
              type: 'AssignSubscriptionRole',
              actor: contosoUser(role),
              subscriptionId: subscriptionId as string,
              assignmentId: 'asg-probe',
              principal: { kind: 'CUSTOMER_USER', userId: 'nina' },
              role: 'READER',
            },
            at(DAY),
          ),
        );

        if (answer.allowed) {
          expect(outcome).toBe('ALLOWED');
        } else if (subscriptionId === OWN) {
          // R21: the customer's own subscription is not even visible to the partner.
          expect(outcome).toBe('NOT_FOUND -');
        } else {
          expect(outcome).toBe(`FORBIDDEN ${answer.rule}`);
        }
      },
    );

    it('R40: of the six, exactly the Admin Agents on the provisioned subscription may change its assignments, by both sources', () => {
      const deciderAllows = accessAnswers
        .filter(({ role, subscriptionId }) => {
          const outcome = outcomeOf(() =>
            decideOn(
              subscriptionRbacDecider,
              HISTORIES[subscriptionId as string],
              {
                type: 'RemoveSubscriptionRoleAssignment',
                actor: contosoUser(role),
                subscriptionId: subscriptionId as string,
                assignmentId: 'asg-owner',
              },
              at(DAY),
            ),
          );
          return outcome === 'ALLOWED';
        })
        .map((a) => key(a.role, a.action, a.subscriptionId));
      const answerAllows = accessAnswers
        .filter((a) => a.allowed)
        .map((a) => key(a.role, a.action, a.subscriptionId));

      expect(deciderAllows).toEqual([`ADMIN_AGENT MANAGE_SUBSCRIPTION_ACCESS ${PROD}`]);
      expect(answerAllows).toEqual(deciderAllows);
    });
  });

  describe('R40: PROVISION_SUBSCRIPTION agrees with the Relationship decider', () => {
    const activeRelationship: RelationshipEvent[] = [
      {
        type: 'RelationshipEstablished',
        data: {
          partnerTenantId: CONTOSO,
          customerTenantId: FABRIKAM,
          partnerName: 'Contoso',
          customer: { tenantId: FABRIKAM, name: 'Fabrikam' },
          invitationId: 'inv-1',
        },
      },
    ];

    it.each(PARTNER_ROLE_NAMES)(
      'R22: %s may link a new subscription exactly when effectiveAccess allows provisioning',
      (role) => {
        const [answer] = effectiveAccess([role], situation(PAIR_WITH_DAP)).filter(
          (a) => a.action === 'PROVISION_SUBSCRIPTION',
        );
        const command: RelationshipCommand = {
          type: 'LinkAzureSubscription',
          actor: contosoUser(role),
          partnerTenantId: CONTOSO,
          customerTenantId: FABRIKAM,
          subscriptionId: 'sub-new',
        };
        const outcome = outcomeOf(() =>
          decideOn(relationshipDecider, activeRelationship, command, at(DAY)),
        );

        expect(outcome).toBe(answer.allowed ? 'ALLOWED' : `FORBIDDEN ${answer.rule}`);
      },
    );
  });
});
