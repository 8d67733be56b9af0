import { type Actor, isCustomerGlobalAdmin, isOperator } from '../../platform/domain/actor';
import { forbidden, notFound } from '../../platform/domain/domain-error';

export interface PairInQuestion {
  partnerTenantId: string;
  customerTenantId: string;
}

/**
 * R40: who may ask what a partner can do in a customer's tenant: the Operator, the partner's own
 * users and the customer's Global admin. Another user of the customer is refused; any other
 * tenant learns nothing, not even that the pair exists (R17).
 */
export function assertMayAskEffectiveAccess(actor: Actor, pair: PairInQuestion): void {
  if (isOperator(actor)) return;
  if (actor.tenantKind === 'partner' && actor.tenantId === pair.partnerTenantId) return;
  if (actor.tenantKind === 'customer' && actor.tenantId === pair.customerTenantId) {
    if (isCustomerGlobalAdmin(actor)) return;
    throw forbidden(
      'R40',
      'Only a Global admin of the customer tenant may ask what a partner can do in it.',
    );
  }
  throw notFound('No such partner–customer pair.');
}

/**
 * R17: the partner user a report may be about. Without a relationship (`related`: a reseller
 * relationship, or a GDAP relationship in force, R15) a customer learns nothing of which users an
 * unrelated partner has, known or unknown: the report is about its roles.
 */
export function userInQuestion(
  actor: Actor,
  userId: string | undefined,
  related: boolean,
): string | undefined {
  return !related && actor.tenantKind === 'customer' ? undefined : userId;
}
