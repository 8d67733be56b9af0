import { type Actor, isCustomerGlobalAdmin, isOperator } from '../../platform/domain/actor';
import { forbidden } from '../../platform/domain/domain-error';
import type { IntendedCustomer } from './events';

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
      // As its list shows them: addressed to it, in any state; addressed to nobody, to whoever
      // holds the link while it is open.
      return invitation.intendedCustomer
        ? isAddressedTo(invitation.intendedCustomer, actor)
        : invitation.pending;
    case 'operator':
      return isOperator(actor);
  }
}

/** Whose invitations a caller lists: a partner its own, a customer those addressed to it. */
export type InvitationListing =
  | { kind: 'partner'; partnerTenantId: string }
  | { kind: 'customer'; customer: { tenantId: string; domain?: string } };

/**
 * R5: invitations are listed to partner users (their tenant's) and to a customer's Global admin
 * (those addressed to its tenant or domain, or open to all); nobody else.
 */
export function invitationListingOf(actor: Actor): InvitationListing {
  if (actor.tenantKind === 'partner') return { kind: 'partner', partnerTenantId: actor.tenantId };
  if (isCustomerGlobalAdmin(actor)) {
    return { kind: 'customer', customer: { tenantId: actor.tenantId, domain: actor.tenantDomain } };
  }
  throw forbidden('R5', 'Only partner users and a customer’s Global admin see invitations.');
}

/**
 * R4: whether the actor's tenant is the customer an invitation names, by every part it names (a
 * request naming a tenant id and a domain is meant for the tenant with both), so only that
 * customer accepts it or sees it. Named for nobody, it is open to every customer.
 */
export function isAddressedTo(intended: IntendedCustomer | null, actor: Actor): boolean {
  if (!intended) return true;
  // Tenant ids are GUIDs: compared without regard to case, as Azure does.
  if (intended.tenantId && intended.tenantId.toLowerCase() !== actor.tenantId.toLowerCase())
    return false;
  if (intended.domain && intended.domain !== actor.tenantDomain?.toLowerCase()) return false;
  return true;
}
