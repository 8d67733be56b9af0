import type { Actor } from '../../platform/domain/actor';
import type { AzureRole, Principal } from './azure-roles';

/** R22: a partner provisions a subscription for a customer; its Admin Agents become Owner. */
export type ProvisionAzureSubscriptionCommand = {
  type: 'ProvisionAzureSubscription';
  actor: Actor;
  subscriptionId: string;
  ownerAssignmentId: string;
  customerTenantId: string;
  displayName: string;
};

/** R21: the customer registers a subscription it created itself. */
export type RegisterAzureSubscriptionCommand = {
  type: 'RegisterAzureSubscription';
  actor: Actor;
  subscriptionId: string;
  displayName: string;
};

/** R24, R9: a subscription's role assignments change, or it is cancelled, on its own stream. */
export type SubscriptionAccessChangeCommand =
  | {
      type: 'AssignSubscriptionRole';
      actor: Actor;
      subscriptionId: string;
      assignmentId: string;
      principal: Principal;
      role: AzureRole;
    }
  | {
      type: 'RemoveSubscriptionRoleAssignment';
      actor: Actor;
      subscriptionId: string;
      assignmentId: string;
    }
  | {
      /** R70: every role assignment of the partner's groups, as the stream holds them then. */
      type: 'RemovePartnerRoleAssignments';
      actor: Actor;
      subscriptionId: string;
      partnerTenantId: string;
    }
  | { type: 'CancelAzureSubscription'; actor: Actor; subscriptionId: string };

export type SubscriptionRbacCommand =
  | ProvisionAzureSubscriptionCommand
  | RegisterAzureSubscriptionCommand
  | SubscriptionAccessChangeCommand;
