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
      /** Roles the customer gave the partner's groups again after it asked (R70: left alone). */
      keepAssignmentIds?: readonly string[];
    }
  | { type: 'CancelAzureSubscription'; actor: Actor; subscriptionId: string };

/**
 * R9, R22: before the relationship ends, a linked id with no subscription yet (a provisioning
 * between its two appends, or one that stopped there) is closed, so it is never provisioned after.
 */
export type VoidUnfinishedProvisioningCommand = {
  type: 'VoidUnfinishedProvisioning';
  actor: Actor;
  subscriptionId: string;
  customerTenantId: string;
  partnerTenantId: string;
};

export type SubscriptionRbacCommand =
  | ProvisionAzureSubscriptionCommand
  | VoidUnfinishedProvisioningCommand
  | RegisterAzureSubscriptionCommand
  | SubscriptionAccessChangeCommand;
