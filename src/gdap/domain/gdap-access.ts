import {
  type Actor,
  isCustomerGlobalAdmin,
  isPartnerUser,
  PARTNER_ROLES,
} from '../../platform/domain/actor';
import { forbidden, notFound } from '../../platform/domain/domain-error';
import type { GdapRelationship } from './gdap-state';

/** R60: only the partner's Admin Agents create and manage its GDAP relationships. */
export function assertPartnerAdminAgent(actor: Actor, partnerTenantId: string): void {
  if (actor.tenantKind !== 'partner' || actor.tenantId !== partnerTenantId) {
    throw notFound('No such GDAP relationship.');
  }
  if (!isPartnerUser(actor, 'AdminAgent')) {
    throw forbidden('R60', 'Only the partner’s Admin Agents manage its GDAP relationships.');
  }
}

/** R62: only a Global admin of the relationship's customer approves it. */
export function assertCustomerGlobalAdmin(actor: Actor, customerTenantId: string): void {
  if (actor.tenantKind !== 'customer' || actor.tenantId !== customerTenantId) {
    throw notFound('No such GDAP relationship.');
  }
  if (!isCustomerGlobalAdmin(actor)) {
    throw forbidden(
      'R62',
      'Only a Global admin of the customer tenant acts on GDAP relationships.',
    );
  }
}

/**
 * Who sees a relationship (R17): the partner's users holding a partner role (R16, as for every
 * partner page) and the customer's Global admins.
 */
export function maySeeRelationship(
  actor: Actor,
  relationship: Pick<GdapRelationship, 'partnerTenantId' | 'customerTenantId'>,
): boolean {
  if (actor.tenantKind === 'partner') {
    return (
      actor.tenantId === relationship.partnerTenantId && isPartnerUser(actor, ...PARTNER_ROLES)
    );
  }
  if (actor.tenantKind === 'customer') {
    return isCustomerGlobalAdmin(actor) && actor.tenantId === relationship.customerTenantId;
  }
  return actor.tenantKind === 'operator';
}

/** R64: the partner's Admin Agents or the customer's Global admins may end a relationship. */
export function terminatingSide(
  actor: Actor,
  relationship: GdapRelationship,
): 'PARTNER' | 'CUSTOMER' {
  if (actor.tenantKind === 'customer') {
    assertCustomerGlobalAdmin(actor, relationship.customerTenantId);
    return 'CUSTOMER';
  }
  assertPartnerAdminAgent(actor, relationship.partnerTenantId);
  return 'PARTNER';
}
