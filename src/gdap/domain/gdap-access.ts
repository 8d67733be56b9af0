import {
  type Actor,
  isCustomerGlobalAdmin,
  isPartnerUser,
  PARTNER_ROLES,
} from '../../platform/domain/actor';
import { forbidden, notFound, type RuleId } from '../../platform/domain/domain-error';
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
 * Only the partner's Admin Agents create and manage its GDAP relationships (R60, R61, R64, R66:
 * `rule` is the step's): anyone else of either side of `relationship` is FORBIDDEN, anyone of
 * neither NOT_FOUND.
 */
export function assertPartnerAdminAgent(actor: Actor, rule: RuleId, relationship?: Pair): void {
  if (relationship) assertParty(actor, relationship);
  if (actor.tenantKind !== 'partner' || !isPartnerUser(actor, 'AdminAgent')) {
    throw forbidden(rule, 'Only the partner’s Admin Agents manage its GDAP relationships.');
  }
}

/** Only a Global admin of the relationship's customer approves (R62) or ends it (R64); else as above. */
export function assertCustomerGlobalAdmin(actor: Actor, rule: RuleId, relationship: Pair): void {
  assertParty(actor, relationship);
  if (actor.tenantKind !== 'customer' || !isCustomerGlobalAdmin(actor)) {
    throw forbidden(rule, 'Only a Global admin of the customer tenant acts on GDAP relationships.');
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
    assertCustomerGlobalAdmin(actor, 'R64', relationship);
    return 'CUSTOMER';
  }
  assertPartnerAdminAgent(actor, 'R64', relationship);
  return 'PARTNER';
}
