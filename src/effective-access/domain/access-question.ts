import {
  type Actor,
  isCustomerGlobalAdmin,
  isOperator,
  isPartnerUser,
  PARTNER_ROLES,
} from '../../platform/domain/actor';
import { isGroupSlug } from '../../platform/domain/group-slugs';
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

/**
 * R40, R16: the user a partner user's question is about. One holding a partner role asks about the
 * partner, or any of its users; one that is only a member of groups the partner defined (R66) asks
 * about itself, as the commands judge it (the partner's own users may ask); one of neither kind
 * has no part here (R16).
 */
export function partnerAskingAbout(actor: Actor, userId: string | undefined): string | undefined {
  if (actor.tenantKind !== 'partner' || isPartnerUser(actor, ...PARTNER_ROLES)) return userId;
  if (!actor.roles.some(isGroupSlug)) {
    throw forbidden(
      'R16',
      'Partner pages are for partner users holding a partner role (Admin, Sales or Helpdesk Agent) or belonging to a group the partner defined.',
    );
  }
  if (userId !== undefined && userId !== actor.userId) {
    throw forbidden(
      'R40',
      'A member of the partner’s own groups alone asks what it may do itself, not what others may.',
    );
  }
  return actor.userId;
}
