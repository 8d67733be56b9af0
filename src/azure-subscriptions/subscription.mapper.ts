import { type Actor, partnerSeenBy } from '../platform/domain/actor';
import { assignmentSeenBy, type Principal as DomainPrincipal } from './domain/azure-roles';
import type { SubscriptionView } from '../../projections/azure-subscriptions/subscriptions.queries';
import {
  type AzureSubscription,
  PartnerGroup,
  type Principal,
  PrincipalKind,
} from './subscription.types';

/** R17: a partner is told who provisioned a subscription only when it did (else: none said). */
export function toAzureSubscription(view: SubscriptionView, viewer: Actor): AzureSubscription {
  return {
    id: view.subscriptionId,
    displayName: view.displayName,
    customerTenantId: view.customerTenantId,
    provisionedByPartnerTenantId: partnerSeenBy(viewer, view.provisionedByPartnerTenantId),
    cancelled: view.cancelled,
    roleAssignments: view.assignments
      .filter((assignment) => assignmentSeenBy(viewer, assignment.principal))
      .map(({ assignmentId, role, roleDefinitionId, principal }) => ({
        id: assignmentId,
        role,
        roleDefinitionId,
        principal: toPrincipal(principal),
      })),
  };
}

function toPrincipal(principal: DomainPrincipal): Principal {
  switch (principal.kind) {
    case 'PARTNER_GROUP':
      return {
        kind: PrincipalKind.PARTNER_GROUP,
        partnerTenantId: principal.partnerTenantId,
        group: PartnerGroup[principal.group],
      };
    case 'CUSTOMER_USER':
      return { kind: PrincipalKind.CUSTOMER_USER, userId: principal.userId };
    case 'CUSTOMER_GROUP':
      // No id while subscriptions version 3 serves (version 4 building beside it).
      return { kind: PrincipalKind.CUSTOMER_GROUP, groupId: principal.groupId || null };
  }
}
