import type { EventSchemas } from '../../platform/domain/event-evolution';
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
    }
  | {
      /** R9, R22: the relationship ended before this linked id's provisioning was recorded. */
      type: 'AzureSubscriptionProvisioningVoided';
      data: { subscriptionId: string; customerTenantId: string; partnerTenantId: string };
    };

/** The schema version of each event this room records (platform/domain/event-evolution.ts). */
export const AZURE_SUBSCRIPTIONS_EVENTS = {
  AzureSubscriptionProvisioned: { version: 1 },
  AzureSubscriptionRegistered: { version: 1 },
  SubscriptionRoleAssigned: { version: 1 },
  SubscriptionRoleAssignmentRemoved: { version: 1 },
  AzureSubscriptionCancelled: { version: 1 },
  AzureSubscriptionProvisioningVoided: { version: 1 },
} satisfies EventSchemas<SubscriptionRbacEvent>;
