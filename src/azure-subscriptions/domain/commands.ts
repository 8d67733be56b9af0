import type { Actor } from '../../platform/domain/actor';
import type { AzureRole, Principal } from './azure-roles';

export type SubscriptionRbacCommand =
  | {
      type: 'ProvisionAzureSubscription';
      actor: Actor;
      subscriptionId: string;
      ownerAssignmentId: string;
      customerTenantId: string;
      displayName: string;
    }
  | { type: 'RegisterAzureSubscription'; actor: Actor; subscriptionId: string; displayName: string }
  | {
      type: 'AssignSubscriptionRole';
      actor: Actor;
      assignmentId: string;
      principal: Principal;
      role: AzureRole;
    }
  | { type: 'RemoveSubscriptionRoleAssignment'; actor: Actor; assignmentId: string }
  | { type: 'CancelAzureSubscription'; actor: Actor };
