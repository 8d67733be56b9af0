import {
  type Actor,
  isCustomerGlobalAdmin,
  isPartnerUser,
  PARTNER_ROLES,
} from '../../platform/domain/actor';
import { forbidden, invalidInput } from '../../platform/domain/domain-error';
import { quote } from '../../platform/domain/ids';

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

/** R15: the Partner relationships page belongs to the customer's Global admin. Its tenant. */
export function partnerRelationshipsPageTenantOf(actor: Actor): string {
  return customerGlobalAdminTenantOf(actor, 'R15');
}

/** R11: the customer's directory role listing is for its Global admin too. Its tenant. */
export function directoryRolesTenantOf(actor: Actor): string {
  return customerGlobalAdminTenantOf(actor, 'R11');
}

/**
 * R11: the directory roles the listing shows, by the token role that holds each. Partners' delegated
 * roles are implicit and never among the members.
 */
export const LISTED_DIRECTORY_ROLES: readonly { role: string; tokenRole: string }[] = [
  { role: 'Global Administrator', tokenRole: 'GlobalAdmin' },
  { role: 'Helpdesk Administrator', tokenRole: 'HelpdeskAdmin' },
];

/** R11: the listed directory role whose name is `role`; INVALID_INPUT naming those listed if none. */
export function listedDirectoryRole(role: string): (typeof LISTED_DIRECTORY_ROLES)[number] {
  const listed = LISTED_DIRECTORY_ROLES.find((candidate) => candidate.role === role);
  if (listed) return listed;
  const names = LISTED_DIRECTORY_ROLES.map((candidate) => quote(candidate.role)).join(', ');
  throw invalidInput(`${quote(role)} is not a listed directory role: ${names}.`, 'R11');
}

function customerGlobalAdminTenantOf(actor: Actor, rule: 'R11' | 'R15'): string {
  if (!isCustomerGlobalAdmin(actor)) {
    throw forbidden(rule, 'Only a Global admin of the customer tenant sees this page.');
  }
  return actor.tenantId;
}
