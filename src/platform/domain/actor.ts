export type TenantKind = 'partner' | 'customer' | 'operator';

export const PARTNER_ROLES = ['AdminAgent', 'SalesAgent', 'HelpdeskAgent'] as const;
export type PartnerRole = (typeof PARTNER_ROLES)[number];

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
  actor.tenantKind === 'customer' && hasRole(actor, 'GlobalAdmin');

export const isOperator = (actor: Actor): boolean =>
  actor.tenantKind === 'operator' && hasRole(actor, 'Operator');
