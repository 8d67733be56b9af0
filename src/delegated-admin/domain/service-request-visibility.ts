import { type Actor, isCustomerGlobalAdmin, isPartnerUser } from '../../platform/domain/actor';
import { forbidden } from '../../platform/domain/domain-error';

/** Whose service requests a caller lists: one side of the pair is always the caller's tenant (R17). */
export type ServiceRequestScope =
  { side: 'partner'; partnerTenantId: string } | { side: 'customer'; customerTenantId: string };

/**
 * R13, R14, R17: a partner user holding a partner role lists the requests its tenant opened; a
 * customer's Global admin lists those opened on its tenant's behalf. Nobody else lists any.
 */
export function serviceRequestScopeOf(actor: Actor): ServiceRequestScope {
  if (isPartnerUser(actor, 'AdminAgent', 'SalesAgent', 'HelpdeskAgent')) {
    return { side: 'partner', partnerTenantId: actor.tenantId };
  }
  if (isCustomerGlobalAdmin(actor)) return { side: 'customer', customerTenantId: actor.tenantId };
  throw forbidden(
    'R17',
    'Service requests are listed for a partner’s users (its own) and a customer’s Global admins (those opened on its behalf).',
  );
}
