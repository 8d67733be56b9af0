import {
  maySeeSubscription,
  type SubscriptionFacts,
} from '../../../src/azure-subscriptions/domain/subscription-access';
import type { AzureRole, Principal } from '../../../src/azure-subscriptions/domain/azure-roles';
import type { SubscriptionRbacCommand } from '../../../src/azure-subscriptions/domain/commands';
import type { SubscriptionRbacEvent } from '../../../src/azure-subscriptions/domain/events';
import { subscriptionRbacDecider } from '../../../src/azure-subscriptions/domain/subscription-rbac.decider';
import type { Actor } from '../../../src/platform/domain/actor';
import { customerGlobalAdmin, customerUser, given, partnerUser } from '../../support/given';

/**
 * R20: a role assignment's principal may be a group the customer defines. Its members are the
 * customer's users whose token roles name it, and they hold its roles (R24).
 */
const FABRIKAM = 'customer-fabrikam';
const SUBSCRIPTION = 'sub-finance';
const T = new Date('2026-11-30T10:00:00.000Z');

const financeTeam: Principal = { kind: 'CUSTOMER_GROUP', groupId: 'finance-team' };
const fabrikamAdmin = customerGlobalAdmin({ tenantId: FABRIKAM });
/** A Fabrikam user in the finance-team group (its token's roles name it), and one who is not. */
const fabrikamFinance = customerUser(['finance-team'], { tenantId: FABRIKAM, userId: 'fiona' });
const fabrikamSales = customerUser(['sales-team'], { tenantId: FABRIKAM, userId: 'sam' });
/** A user of another customer whose group has the same name. */
const northwindFinance = customerUser(['finance-team'], {
  tenantId: 'customer-northwind',
  userId: 'fiona',
});

const registered: SubscriptionRbacEvent = {
  type: 'AzureSubscriptionRegistered',
  data: { subscriptionId: SUBSCRIPTION, displayName: 'Finance', customerTenantId: FABRIKAM },
};
const groupHolds = (role: AzureRole): SubscriptionRbacEvent[] => [
  registered,
  ...given(subscriptionRbacDecider, [registered])
    .when(assign(fabrikamAdmin, financeTeam, role, 'asg-finance'), T)
    .events(),
];

function assign(
  actor: Actor,
  principal: Principal,
  role: AzureRole,
  assignmentId = 'asg-new',
): SubscriptionRbacCommand {
  return {
    type: 'AssignSubscriptionRole',
    actor,
    subscriptionId: SUBSCRIPTION,
    assignmentId,
    principal,
    role,
  };
}

const remove = (actor: Actor): SubscriptionRbacCommand => ({
  type: 'RemoveSubscriptionRoleAssignment',
  actor,
  subscriptionId: SUBSCRIPTION,
  assignmentId: 'asg-finance',
});

describe('R20, R24: a customer group as a role assignment’s principal', () => {
  it('R20: the customer’s Global admin gives a CUSTOMER_GROUP a role, its id trimmed, naming no partner', () => {
    const events = given(subscriptionRbacDecider, [registered])
      .when(
        assign(fabrikamAdmin, { kind: 'CUSTOMER_GROUP', groupId: ' finance-team ' }, 'READER'),
        T,
      )
      .events();

    expect(events).toStrictEqual([
      {
        type: 'SubscriptionRoleAssigned',
        data: {
          subscriptionId: SUBSCRIPTION,
          customerTenantId: FABRIKAM,
          assignmentId: 'asg-new',
          role: 'READER',
          roleDefinitionId: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
          principal: financeTeam,
        },
      },
    ]);
  });

  it.each([
    ['no group id', undefined],
    ['an empty one', '  '],
    ['upper case', 'Finance-Team'],
    ['a space inside', 'finance team'],
    ['65 characters', 'f'.repeat(65)],
    ['a leading hyphen', '-finance'],
  ])('R20: a CUSTOMER_GROUP with %s is refused as invalid input', (_what, groupId) => {
    given(subscriptionRbacDecider, [registered])
      .when(assign(fabrikamAdmin, { kind: 'CUSTOMER_GROUP', groupId } as Principal, 'READER'), T)
      .thenThrows('INVALID_INPUT', 'R20');
  });

  it('R20: the same group and role twice is a conflict; a user named like the group is another principal', () => {
    given(subscriptionRbacDecider, groupHolds('READER'))
      .when(assign(fabrikamAdmin, financeTeam, 'READER'), T)
      .thenThrows('CONFLICT', 'R20');

    const userNamedLikeIt = given(subscriptionRbacDecider, groupHolds('READER'))
      .when(assign(fabrikamAdmin, { kind: 'CUSTOMER_USER', userId: 'finance-team' }, 'READER'), T)
      .events();
    expect(userNamedLikeIt.map((event) => event.type)).toEqual(['SubscriptionRoleAssigned']);
  });

  it.each(['OWNER', 'USER_ACCESS_ADMINISTRATOR'] as const)(
    'R24: a member of a group holding %s adds and removes assignments; a user of another group may not',
    (role) => {
      const history = groupHolds(role);
      const nina: Principal = { kind: 'CUSTOMER_USER', userId: 'nina' };

      expect(
        given(subscriptionRbacDecider, history)
          .when(assign(fabrikamFinance, nina, 'READER'), T)
          .events()
          .map((event) => event.type),
      ).toEqual(['SubscriptionRoleAssigned']);
      expect(
        given(subscriptionRbacDecider, history)
          .when(remove(fabrikamFinance), T)
          .events()
          .map((event) => event.type),
      ).toEqual(['SubscriptionRoleAssignmentRemoved']);
      given(subscriptionRbacDecider, history)
        .when(assign(fabrikamSales, nina, 'READER'), T)
        .thenThrows('FORBIDDEN', 'R24');
    },
  );

  it.each(['CONTRIBUTOR', 'READER'] as const)(
    'R24: a member of a group holding only %s may not change assignments',
    (role) => {
      given(subscriptionRbacDecider, groupHolds(role))
        .when(assign(fabrikamFinance, { kind: 'CUSTOMER_USER', userId: 'nina' }, 'READER'), T)
        .thenThrows('FORBIDDEN', 'R24');
    },
  );

  it('R24, R17: a group of the same name in another customer gives its members nothing there: not found', () => {
    given(subscriptionRbacDecider, groupHolds('OWNER'))
      .when(assign(northwindFinance, { kind: 'CUSTOMER_USER', userId: 'nina' }, 'READER'), T)
      .thenThrows('NOT_FOUND', undefined);
  });

  it('R17, R24: a member sees the subscription its group holds a role on; other users and partners do not', () => {
    const facts: SubscriptionFacts = {
      subscriptionId: SUBSCRIPTION,
      customerTenantId: FABRIKAM,
      provisionedByPartnerTenantId: null,
      assignments: [
        {
          assignmentId: 'asg-finance',
          role: 'READER',
          roleDefinitionId: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
          principal: financeTeam,
        },
      ],
    };

    expect(maySeeSubscription(fabrikamFinance, facts)).toBe(true);
    expect(maySeeSubscription(fabrikamSales, facts)).toBe(false);
    expect(maySeeSubscription(northwindFinance, facts)).toBe(false);
    expect(
      maySeeSubscription(
        partnerUser(['AdminAgent'], { roles: ['AdminAgent', 'finance-team'] }),
        facts,
      ),
    ).toBe(false);
  });
});
