import { type Actor, PARTNER_ROLES, isPartnerUser } from '../../platform/domain/actor';
import { forbidden } from '../../platform/domain/domain-error';

/**
 * R16: a partner user reads the partner's pages and queries (Customers page, invitations,
 * Autopilot, effectiveAccess) only while holding a partner role, any of them. A partner user
 * holding none is refused; other callers are left to each page's own rule.
 */
export function assertPartnerPageReader(actor: Actor): void {
  if (actor.tenantKind === 'partner' && !isPartnerUser(actor, ...PARTNER_ROLES)) {
    throw forbidden(
      'R16',
      'Partner pages are for partner users holding a partner role (Admin, Sales or Helpdesk Agent).',
    );
  }
}

/** R16: the Customers page belongs to the partner's users holding a partner role. Its tenant. */
export function customersPageTenantOf(actor: Actor): string {
  if (actor.tenantKind !== 'partner') {
    throw forbidden('R16', 'The Customers page is for partner users holding a partner role.');
  }
  assertPartnerPageReader(actor);
  return actor.tenantId;
}
