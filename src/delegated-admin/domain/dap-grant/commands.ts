import type { Actor } from '../../../platform/domain/actor';
import type { CustomerIdentity } from '../../../invitations/domain/events';

export type DapGrantCommand =
  | {
      /** Issued when a customer accepts an invitation that includes DAP (R10, R8). */
      type: 'GrantDelegatedAdmin';
      invitationId: string;
      partnerTenantId: string;
      partnerName: string;
      customer: CustomerIdentity;
    }
  | {
      /** R9: ending the reseller relationship also removes the partner's DAP. */
      type: 'RevokeDelegatedAdminOnRelationshipEnd';
      partnerTenantId: string;
      customerTenantId: string;
    }
  | {
      type: 'RemoveDelegatedAdminPrivileges';
      actor: Actor;
      partnerTenantId: string;
      customerTenantId: string;
      confirm: boolean;
      /** Read from the pair's Relationship stream by the handler. */
      relationshipActive: boolean;
    };
