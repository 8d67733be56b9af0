import { type Actor, isCustomerGlobalAdmin, isOperator } from '../../platform/domain/actor';
import type { IntendedCustomer } from './events';
import { isAddressedTo } from './invitation.decider';

export interface InvitationAudience {
  partnerTenantId: string;
  intendedCustomer: IntendedCustomer | null;
  acceptedBy: string | null;
  pending: boolean;
}

/**
 * Who may open an invitation: its partner's users; a customer Global admin it is addressed to, or
 * any holding the link while it is open to all (R4), or whose tenant accepted it; the Operator.
 */
export function canSeeInvitation(actor: Actor, invitation: InvitationAudience): boolean {
  switch (actor.tenantKind) {
    case 'partner':
      return invitation.partnerTenantId === actor.tenantId;
    case 'customer':
      if (!isCustomerGlobalAdmin(actor)) return false;
      if (invitation.acceptedBy) return invitation.acceptedBy === actor.tenantId;
      return invitation.pending && isAddressedTo(invitation.intendedCustomer, actor);
    case 'operator':
      return isOperator(actor);
  }
}
