import type { AzureRole, Principal } from './azure-roles';

export interface RoleAssignment {
  assignmentId: string;
  role: AzureRole;
  roleDefinitionId: string;
  principal: Principal;
}

export type SubscriptionRbacEvent =
  | {
      type: 'AzureSubscriptionProvisioned';
      data: {
        subscriptionId: string;
        displayName: string;
        customerTenantId: string;
        partnerTenantId: string;
        partnerName: string;
      };
    }
  | {
      type: 'AzureSubscriptionRegistered';
      data: { subscriptionId: string; displayName: string; customerTenantId: string };
    }
  | {
      type: 'SubscriptionRoleAssigned';
      data: RoleAssignment & {
        subscriptionId: string;
        customerTenantId: string;
        partnerTenantId?: string;
      };
    }
  | {
      type: 'SubscriptionRoleAssignmentRemoved';
      data: RoleAssignment & {
        subscriptionId: string;
        customerTenantId: string;
        partnerTenantId?: string;
      };
    }
  | {
      type: 'AzureSubscriptionCancelled';
      data: { subscriptionId: string; customerTenantId: string; partnerTenantId?: string };
    };
