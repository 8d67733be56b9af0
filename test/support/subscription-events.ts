import type { EventStore } from '../../src/platform/event-store/event-store';
import { newEvent } from './events';

export const SUBSCRIBED_CUSTOMERS = ['fabrikam', 'tailspin', 'wingtip'];

/**
 * Each partner's subscriptions in every customer, with its Admin Agents Owner, some removed; and
 * one of Fabrikam's own, held by one of its groups.
 */
export async function writeSubscriptions(events: EventStore): Promise<void> {
  for (const [p, partnerTenantId] of ['contoso', 'northwind'].entries()) {
    for (const [c, customerTenantId] of SUBSCRIBED_CUSTOMERS.entries()) {
      const subscriptionId = `sub-${partnerTenantId}-${customerTenantId}`;
      const scope = { subscriptionId, customerTenantId, partnerTenantId };
      const assignment = {
        ...scope,
        assignmentId: `${subscriptionId}-owner`,
        role: 'OWNER',
        roleDefinitionId: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
        principal: { kind: 'PARTNER_GROUP', partnerTenantId, group: 'ADMIN_AGENTS' },
      };
      const recorded = [
        newEvent('AzureSubscriptionProvisioned', {
          ...scope,
          displayName: subscriptionId,
          partnerName: partnerTenantId,
        }),
        newEvent('SubscriptionRoleAssigned', assignment),
        ...((p + c) % 2 === 0 ? [newEvent('SubscriptionRoleAssignmentRemoved', assignment)] : []),
      ];
      await events.append(`subscription-${subscriptionId}`, recorded, 'any');
    }
  }
  await events.append(
    `subscription-${FINANCE_SUBSCRIPTION}`,
    [
      newEvent('AzureSubscriptionRegistered', {
        subscriptionId: FINANCE_SUBSCRIPTION,
        displayName: 'Finance',
        customerTenantId: 'fabrikam',
      }),
      newEvent('SubscriptionRoleAssigned', {
        subscriptionId: FINANCE_SUBSCRIPTION,
        customerTenantId: 'fabrikam',
        assignmentId: `${FINANCE_SUBSCRIPTION}-reader`,
        role: 'READER',
        roleDefinitionId: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
        principal: { kind: 'CUSTOMER_GROUP', groupId: 'finance-team' },
      }),
    ],
    'any',
  );
}

/** Fabrikam's own subscription, on which its finance-team group holds Reader (R20). */
export const FINANCE_SUBSCRIPTION = 'sub-fabrikam-finance';
/** A Fabrikam user in that group. */
export const FINANCE_MEMBER = { userId: 'fiona', groupIds: ['finance-team'] };
