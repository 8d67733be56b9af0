import { isGroupSlug } from './group-slugs';

export type TenantKind = 'partner' | 'customer' | 'operator';

export const PARTNER_ROLES = ['AdminAgent', 'SalesAgent', 'HelpdeskAgent'] as const;
export type PartnerRole = (typeof PARTNER_ROLES)[number];

const GLOBAL_ADMIN = 'GlobalAdmin';
const OPERATOR = 'Operator';

/** The roles the product gives rights to, by tenant kind; a group's slug is one too (not the Operator's). */
export const BUILT_IN_ROLES: Record<TenantKind, readonly string[]> = {
  partner: PARTNER_ROLES,
  customer: [GLOBAL_ADMIN],
  operator: [OPERATOR],
};

/** The roles among `roles` that give a user of a `kind` tenant nothing here (a typo, most often). */
export const rolesWithoutRights = (kind: TenantKind, roles: readonly string[]): string[] =>
  roles.filter(
    (role) => !BUILT_IN_ROLES[kind].includes(role) && (kind === 'operator' || !isGroupSlug(role)),
  );

/** The authenticated caller, always taken from a verified token, never from arguments. */
export interface Actor {
  userId: string;
  name: string;
  tenantId: string;
  tenantKind: TenantKind;
  tenantName?: string;
  tenantDomain?: string;
  roles: string[];
}

export const hasRole = (actor: Actor, ...roles: string[]): boolean =>
  roles.some((role) => actor.roles.includes(role));

export const isPartnerUser = (actor: Actor, ...roles: PartnerRole[]): boolean =>
  actor.tenantKind === 'partner' && (roles.length === 0 || hasRole(actor, ...roles));

export const isCustomerGlobalAdmin = (actor: Actor): boolean =>
  actor.tenantKind === 'customer' && hasRole(actor, GLOBAL_ADMIN);

export const isOperator = (actor: Actor): boolean =>
  actor.tenantKind === 'operator' && hasRole(actor, OPERATOR);

/**
 * R17: a partner tenant id as `viewer` may see it: a partner never learns which other partners
 * work with a customer (null in their place); the customer and the Operator see it as it is.
 */
export const partnerSeenBy = (viewer: Actor, partnerTenantId: string | null): string | null =>
  viewer.tenantKind !== 'partner' || partnerTenantId === viewer.tenantId ? partnerTenantId : null;
