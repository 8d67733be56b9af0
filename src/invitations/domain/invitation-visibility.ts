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
      // As its list shows them: named for it by tenant id or domain, in any state (accepting needs
      // both to match, R4); named for nobody, to whoever holds the link while it is open.
      return invitation.intendedCustomer
        ? namesTenantOf(invitation.intendedCustomer, actor)
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

/** Whether the invitation names the actor's tenant, by its id or by its domain. */
const namesTenantOf = (intended: IntendedCustomer, actor: Actor): boolean =>
  intended.tenantId?.toLowerCase() === actor.tenantId.toLowerCase() ||
  (intended.domain !== undefined && intended.domain === actor.tenantDomain?.toLowerCase());
