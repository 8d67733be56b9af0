import {
  type Actor,
  isCustomerGlobalAdmin,
  isPartnerUser,
  PARTNER_ROLES,
} from '../../platform/domain/actor';
import { forbidden, notFound } from '../../platform/domain/domain-error';
import type { GdapRelationship } from './gdap-state';

type Pair = Pick<GdapRelationship, 'partnerTenantId' | 'customerTenantId'>;

/**
 * NOT_FOUND for a caller whose tenant is neither side of `relationship` (nor the Operator's): it
 * learns nothing of it. A caller of either side is told what it may not do (FORBIDDEN).
 */
function assertParty(actor: Actor, relationship: Pair): void {
  const party =
    actor.tenantKind === 'operator' ||
    (actor.tenantKind === 'partner' && actor.tenantId === relationship.partnerTenantId) ||
    (actor.tenantKind === 'customer' && actor.tenantId === relationship.customerTenantId);
  if (!party) throw notFound('No such GDAP relationship.');
}

/**
 * R60: only the partner's Admin Agents create and manage its GDAP relationships: anyone else of
 * either side of `relationship` is FORBIDDEN, anyone of neither NOT_FOUND.
 */
export function assertPartnerAdminAgent(actor: Actor, relationship?: Pair): void {
  if (relationship) assertParty(actor, relationship);
  if (actor.tenantKind !== 'partner' || !isPartnerUser(actor, 'AdminAgent')) {
    throw forbidden('R60', 'Only the partner’s Admin Agents manage its GDAP relationships.');
  }
}

/** R62: only a Global admin of the relationship's customer approves it (else as above). */
export function assertCustomerGlobalAdmin(actor: Actor, relationship: Pair): void {
  assertParty(actor, relationship);
  if (actor.tenantKind !== 'customer' || !isCustomerGlobalAdmin(actor)) {
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
    assertCustomerGlobalAdmin(actor, relationship);
    return 'CUSTOMER';
  }
  assertPartnerAdminAgent(actor, relationship);
  return 'PARTNER';
}
