import { type Actor } from '../../platform/domain/actor';
import { forbidden, type RuleId } from '../../platform/domain/domain-error';
import {
  directoryRoleAllowing,
  type GdapGrant,
  gdapReason,
  noGdapRoleAllowing,
} from '../../gdap/domain/effective-roles';
import type { SecurityGroupId } from '../../gdap/domain/events';
import { groupsOfTokenRoles } from '../../gdap/domain/security-groups';
import type { DapStatus, PairFacts } from '../../platform/domain/pair-facts';

export const PARTNER_ROLE_NAMES = ['ADMIN_AGENT', 'SALES_AGENT', 'HELPDESK_AGENT'] as const;
export type PartnerRoleName = (typeof PARTNER_ROLE_NAMES)[number];

const ROLE_OF_TOKEN_ROLE = new Map<string, PartnerRoleName>([
  ['AdminAgent', 'ADMIN_AGENT'],
  ['SalesAgent', 'SALES_AGENT'],
  ['HelpdeskAgent', 'HELPDESK_AGENT'],
]);

export const DAP_CAPABILITY_ACTIONS = [
  'MANAGE_DIRECTORY',
  'USE_ADMIN_PORTALS',
  'OPEN_SERVICE_REQUEST',
  'HELPDESK_ACTIONS',
] as const;
export type DapCapabilityAction = (typeof DAP_CAPABILITY_ACTIONS)[number];

// The pair's facts are declared where the revocation fences take them away.
export type { DapStatus, PairFacts };

export interface Verdict {
  allowed: boolean;
  reason: string;
  rule: RuleId;
}

/** Which partner roles each DAP-backed action needs, and why (R14). */
const DAP_ACTIONS: Record<
  DapCapabilityAction,
  { roles: PartnerRoleName[]; grants: string; rule: RuleId }
> = {
  MANAGE_DIRECTORY: {
    roles: ['ADMIN_AGENT'],
    grants: 'Admin Agents hold Global Administrator in the customer’s directory through DAP',
    rule: 'R14',
  },
  USE_ADMIN_PORTALS: {
    roles: ['ADMIN_AGENT', 'HELPDESK_AGENT'],
    grants:
      'Admin Agents (Global Administrator) and Helpdesk Agents (Helpdesk Administrator, for helpdesk work) sign in to the customer’s admin portals through DAP',
    rule: 'R14',
  },
  OPEN_SERVICE_REQUEST: {
    roles: ['ADMIN_AGENT', 'HELPDESK_AGENT'],
    grants: 'Admin and Helpdesk Agents may open service requests for the customer through DAP',
    rule: 'R14',
  },
  HELPDESK_ACTIONS: {
    roles: ['ADMIN_AGENT', 'HELPDESK_AGENT'],
    grants:
      'Helpdesk Agents hold Helpdesk Administrator (and Admin Agents Global Administrator, which includes it) through DAP',
    rule: 'R14',
  },
};

const ROLE_LABEL: Record<PartnerRoleName, string> = {
  ADMIN_AGENT: 'Admin Agents',
  SALES_AGENT: 'Sales Agents',
  HELPDESK_AGENT: 'Helpdesk Agents',
};

/** Each partner role's built-in security group (GDAP names groups, DAP names roles). */
export const GROUP_OF_ROLE: Record<PartnerRoleName, SecurityGroupId> = {
  ADMIN_AGENT: 'ADMIN_AGENTS',
  SALES_AGENT: 'SALES_AGENTS',
  HELPDESK_AGENT: 'HELPDESK_AGENTS',
};

const WHAT: Record<DapCapabilityAction, string> = {
  MANAGE_DIRECTORY: 'managing the customer’s directory',
  USE_ADMIN_PORTALS: 'using the customer’s admin portals',
  OPEN_SERVICE_REQUEST: 'opening service requests for the customer',
  HELPDESK_ACTIONS: 'helpdesk actions',
};

/**
 * A removed DAP, as a refusal says it: the pages know DAP was removed, not by whom, the customer
 * (R12) or the reseller relationship's end (R9).
 */
export const DAP_WAS_REMOVED =
  'delegated admin privileges were removed (by the customer, or as a reseller relationship ended)';

/** What DAP (while active) and GDAP grant the pair, as the effective roles read them (R67). */
export const directoryFactsOf = (facts: PairFacts) => ({
  dapActive: facts.relationshipActive && facts.dapStatus === 'ACTIVE',
  gdapGrants: facts.gdapGrants ?? ([] as GdapGrant[]),
});

/**
 * R7, R13, R14, R67: what a partner user holding `roles` (members of their groups, and of
 * `groups` the partner defined) may do in the customer's tenant, and why: allowed when one of its
 * effective directory roles (DAP or GDAP) allows the action, naming the grant.
 */
export function partnerRolesMay(
  roles: readonly PartnerRoleName[],
  action: DapCapabilityAction,
  facts: PairFacts,
  groups: readonly SecurityGroupId[] = roles.map((role) => GROUP_OF_ROLE[role]),
): Verdict {
  const need = DAP_ACTIONS[action];
  const granting = directoryRoleAllowing(groups, directoryFactsOf(facts), action);
  if (granting?.source.kind === 'DAP') {
    return { allowed: true, reason: `${need.grants}.`, rule: need.rule };
  }
  if (granting) return { allowed: true, reason: gdapReason(granting, WHAT[action]), rule: 'R67' };
  if (!facts.relationshipActive) {
    // GDAP needs no reseller relationship (R67): the reason names both ways, as below.
    const gdap = noGdapRoleAllowing(groups, action, WHAT[action]);
    return {
      allowed: false,
      reason: `The partner has no active reseller relationship with this customer, so no delegated admin privileges, and ${gdap.missing}: the customer must accept an invitation that includes DAP, or ${gdap.remedy}.`,
      rule: 'R7',
    };
  }
  if (!roles.some((role) => need.roles.includes(role))) {
    // DAP would not lift it for these roles: GDAP is the one way, and the reason names it (R67).
    const who = need.roles.map((needed) => ROLE_LABEL[needed]).join(' and ');
    const sales = roles.includes('SALES_AGENT') ? ' (Sales Agents get nothing from DAP)' : '';
    const gdap = noGdapRoleAllowing(groups, action, WHAT[action]);
    return {
      allowed: false,
      reason: `Through DAP only ${who} may do this${sales}, and ${gdap.missing}: ${gdap.remedy}.`,
      rule: 'R14',
    };
  }
  // Neither DAP nor GDAP allows it: the reason names both ways the customer can give it.
  const gdap = noGdapRoleAllowing(groups, action, WHAT[action]);
  if (facts.dapStatus === 'REMOVED') {
    return {
      allowed: false,
      reason: `The partner’s ${DAP_WAS_REMOVED}, and ${gdap.missing}: the customer must accept a new invitation that includes DAP first, or ${gdap.remedy}.`,
      rule: 'R13',
    };
  }
  if (facts.dapStatus === 'NONE') {
    return {
      allowed: false,
      reason: `The partner holds no delegated admin privileges for this customer, and ${gdap.missing}: the customer must accept an invitation that includes DAP, or ${gdap.remedy}.`,
      rule: 'R14',
    };
  }
  return {
    allowed: false,
    reason: 'None of these roles holds a directory role in the customer that allows this.',
    rule: 'R67',
  };
}

export function partnerRolesOf(tokenRoles: readonly string[]): PartnerRoleName[] {
  return tokenRoles.flatMap((role) => ROLE_OF_TOKEN_ROLE.get(role) ?? []);
}

/** The command-side use of the same rules: refuses with the verdict's reason and rule. */
export function assertPartnerMay(
  actor: Actor,
  partnerTenantId: string,
  action: DapCapabilityAction,
  facts: PairFacts,
): void {
  if (actor.tenantKind !== 'partner' || actor.tenantId !== partnerTenantId) {
    throw forbidden('R17', 'Only the partner’s own users may act for it.');
  }
  const verdict = partnerRolesMay(
    partnerRolesOf(actor.roles),
    action,
    facts,
    groupsOfTokenRoles(actor.roles),
  );
  if (!verdict.allowed) throw forbidden(verdict.rule, verdict.reason);
}
