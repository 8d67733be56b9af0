import { type Actor, isCustomerGlobalAdmin, isOperator } from '../../platform/domain/actor';
import { groupSlugsOf } from '../../platform/domain/group-slugs';
import {
  type AzureRole,
  customerUserHolds,
  type PartnerGroup,
  ROLE_DISPLAY_NAMES,
  roleAllows,
  type SubscriptionAction,
  isGroupOf,
} from './azure-roles';
import type { RoleAssignment } from './events';
import type { PartnerRoleName, Verdict } from '../../delegated-admin/domain/partner-capabilities';

export const SUBSCRIPTION_ACTIONS = [
  'PROVISION_SUBSCRIPTION',
  'MANAGE_SUBSCRIPTION',
  'MANAGE_SUBSCRIPTION_ACCESS',
] as const;
export type SubscriptionCapability = (typeof SUBSCRIPTION_ACTIONS)[number];

/** What the access rules need to know of one subscription. */
export interface SubscriptionFacts {
  subscriptionId: string;
  customerTenantId: string;
  provisionedByPartnerTenantId: string | null;
  assignments: readonly RoleAssignment[];
}

/** A subscription as people know it: by its name. */
export type NamedSubscription = SubscriptionFacts & { displayName: string };

/** How a reason or a preview names a subscription: its name, and the id that tells two apart. */
export const subscriptionLabel = (subscription: NamedSubscription): string =>
  `“${subscription.displayName}” (${subscription.subscriptionId})`;

const GROUP_OF_ROLE: Record<PartnerRoleName, PartnerGroup | null> = {
  ADMIN_AGENT: 'ADMIN_AGENTS',
  HELPDESK_AGENT: 'HELPDESK_AGENTS',
  SALES_AGENT: null,
};

/** The partner groups whose Azure role assignments count for a user holding `roles`. */
export const partnerGroupsOf = (roles: readonly PartnerRoleName[]): PartnerGroup[] =>
  roles.flatMap((role) => GROUP_OF_ROLE[role] ?? []);

/** Who holds Azure roles for a partner role: its group (Sales Agents have none). */
const HOLDER_OF_ROLE: Record<Exclude<PartnerRoleName, 'SALES_AGENT'>, string> = {
  ADMIN_AGENT: 'The partner’s Admin Agents group',
  HELPDESK_AGENT: 'The partner’s Helpdesk Agents group',
};

/** Whatever the partner's groups hold on it: no role there is a Sales Agent's. */
const NO_GROUP_OF_THEIR_OWN =
  'Sales Agents have no group of their own, so no role on this subscription is theirs (the partner’s Admin Agents and Helpdesk Agents groups hold its roles); delegated admin privileges give no access to Azure subscriptions.';

const ACTION_OF: Record<
  Exclude<SubscriptionCapability, 'PROVISION_SUBSCRIPTION'>,
  SubscriptionAction
> = {
  MANAGE_SUBSCRIPTION: 'MANAGE_RESOURCES',
  MANAGE_SUBSCRIPTION_ACCESS: 'MANAGE_ACCESS',
};

/** The Azure roles a partner role holds on a subscription through its group's assignments. */
export function partnerRoleAzureRoles(
  role: PartnerRoleName,
  partnerTenantId: string,
  subscription: SubscriptionFacts,
): AzureRole[] {
  const group = GROUP_OF_ROLE[role];
  return subscription.assignments
    .filter(
      ({ principal }) =>
        principal.kind === 'PARTNER_GROUP' &&
        principal.partnerTenantId === partnerTenantId &&
        principal.group === group,
    )
    .map((assignment) => assignment.role);
}

/** R21, R23–R25: may a partner role manage this subscription (resources or access), and why. */
export function partnerRoleOnSubscription(
  role: PartnerRoleName,
  partnerTenantId: string,
  capability: Exclude<SubscriptionCapability, 'PROVISION_SUBSCRIPTION'>,
  subscription: SubscriptionFacts,
): Verdict {
  const verdict =
    role === 'SALES_AGENT'
      ? { allowed: false, reason: NO_GROUP_OF_THEIR_OWN, rule: 'R21' as const }
      : verdictFromRoles(
          partnerRoleAzureRoles(role, partnerTenantId, subscription),
          ACTION_OF[capability],
          HOLDER_OF_ROLE[role],
        );
  // Who may change role assignments is R24's question, whatever role answers it.
  return capability === 'MANAGE_SUBSCRIPTION_ACCESS' ? { ...verdict, rule: 'R24' } : verdict;
}

function verdictFromRoles(held: AzureRole[], action: SubscriptionAction, who: string): Verdict {
  const granting = held.find((role) => roleAllows(role, action));
  const what = action === 'MANAGE_ACCESS' ? 'manage access to' : 'manage resources of';
  if (granting) {
    return {
      allowed: true,
      reason: `${who} holds ${ROLE_DISPLAY_NAMES[granting]} on this subscription, which lets it ${what} it.`,
      rule: 'R25',
    };
  }
  if (held.length > 0) {
    const names = held.map((role) => ROLE_DISPLAY_NAMES[role]).join(', ');
    return {
      allowed: false,
      reason: `${who} holds only ${names} on this subscription, which does not let it ${what} it.`,
      rule: 'R25',
    };
  }
  return {
    allowed: false,
    reason: `${who} holds no role on this subscription; delegated admin privileges give no access to Azure subscriptions.`,
    rule: 'R21',
  };
}

/** The Azure roles the caller holds on a subscription through its own principals. */
export function actorAzureRoles(
  actor: Actor,
  subscription: SubscriptionFacts,
  partnerRoles: readonly PartnerRoleName[],
): AzureRole[] {
  if (actor.tenantKind === 'partner') {
    return partnerRoles.flatMap((role) =>
      partnerRoleAzureRoles(role, actor.tenantId, subscription),
    );
  }
  if (actor.tenantKind === 'customer' && actor.tenantId === subscription.customerTenantId) {
    return subscription.assignments
      .filter(({ principal }) => customerUserHolds(actor, principal))
      .map((assignment) => assignment.role);
  }
  return [];
}

/**
 * R24: the customer's own Global admin (a partner's delegated Global Administrator does not
 * count), or a principal holding Owner or User Access Administrator there, manages access.
 */
export function mayManageSubscriptionAccess(
  actor: Actor,
  subscription: SubscriptionFacts,
  partnerRoles: readonly PartnerRoleName[],
): Verdict {
  if (isCustomerGlobalAdmin(actor) && actor.tenantId === subscription.customerTenantId) {
    return {
      allowed: true,
      reason: 'The customer’s own Global admin manages access to its subscriptions.',
      rule: 'R24',
    };
  }
  const held = actorAzureRoles(actor, subscription, partnerRoles);
  const verdict = verdictFromRoles(held, 'MANAGE_ACCESS', 'The caller');
  if (verdict.allowed) return verdict;
  const delegated =
    actor.tenantKind === 'partner'
      ? ' A partner’s delegated Global Administrator role does not count.'
      : '';
  return {
    allowed: false,
    reason: `Only the customer’s own Global admin, or a principal holding Owner or User Access Administrator on this subscription, may change its role assignments.${delegated}`,
    rule: 'R24',
  };
}

/** R22: Admin and Sales Agents provision subscriptions for a customer they have a relationship with. */
export function mayProvisionSubscription(
  roles: readonly PartnerRoleName[],
  relationshipActive: boolean,
): Verdict {
  if (!roles.includes('ADMIN_AGENT') && !roles.includes('SALES_AGENT')) {
    return {
      allowed: false,
      reason: 'Only Admin Agents and Sales Agents may provision Azure subscriptions.',
      rule: 'R22',
    };
  }
  if (!relationshipActive) {
    return {
      allowed: false,
      reason: 'Provisioning needs an active reseller relationship with the customer.',
      rule: 'R22',
    };
  }
  return {
    allowed: true,
    reason:
      'Admin and Sales Agents provision Azure subscriptions for customers with an active reseller relationship; Admin Agents become Owner.',
    rule: 'R22',
  };
}

/**
 * May the caller read this subscription and its role assignments: its customer's Global admin, the
 * customer's other users where they (or a group of theirs) hold a role on it (other customer roles
 * carry no rights, and Azure shows a subscription to whoever holds a role there), and partners
 * holding a role or that provisioned it. A command of another user of its customer is refused (R24), not NOT_FOUND:
 * `isKnownTo`.
 */
export function maySeeSubscription(actor: Actor, subscription: SubscriptionFacts): boolean {
  if (actor.tenantKind === 'operator') return isOperator(actor);
  if (actor.tenantKind === 'customer') {
    return (
      actor.tenantId === subscription.customerTenantId &&
      (isCustomerGlobalAdmin(actor) || holdsRoleOn(actor, subscription))
    );
  }
  return partnerMaySeeSubscription(actor.tenantId, subscription);
}

/** Whether a command names a subscription the caller knows of: one it may see, or its own tenant's. */
export const isKnownTo = (actor: Actor, subscription: SubscriptionFacts): boolean =>
  maySeeSubscription(actor, subscription) ||
  (actor.tenantKind === 'customer' && actor.tenantId === subscription.customerTenantId);

const holdsRoleOn = (actor: Actor, subscription: SubscriptionFacts): boolean =>
  subscription.assignments.some(({ principal }) => customerUserHolds(actor, principal));

/** R17: a partner sees the subscriptions it provisioned and those one of its groups holds a role on. */
export function partnerMaySeeSubscription(
  partnerTenantId: string,
  subscription: SubscriptionFacts,
): boolean {
  return (
    subscription.provisionedByPartnerTenantId === partnerTenantId ||
    subscription.assignments.some(({ principal }) => isGroupOf(partnerTenantId, principal))
  );
}

/** A customer user, and the groups of its customer it belongs to (R20, R24). */
export interface CustomerHolder {
  userId: string;
  groupIds: readonly string[];
}

/**
 * Whose subscriptions a caller lists: one customer's (`heldBy`: only those that user of it, or a
 * group of its, holds a role on), or a partner's in every customer.
 */
export type SubscriptionListing =
  { customerTenantId: string; heldBy?: CustomerHolder } | { everyCustomerOf: string };

/**
 * R17: whose subscriptions a caller lists: a customer's Global admin its own tenant's, its other
 * users those they hold a role on (naming another tenant lists nothing); a partner those it sees in
 * the customer it names, or in every customer; the Operator the tenant it names. Undefined:
 * nothing to list.
 */
export function subscriptionListingOf(
  actor: Actor,
  customerTenantId: string | undefined,
): SubscriptionListing | undefined {
  if (actor.tenantKind === 'customer') {
    if (customerTenantId && customerTenantId !== actor.tenantId) return undefined;
    return isCustomerGlobalAdmin(actor)
      ? { customerTenantId: actor.tenantId }
      : {
          customerTenantId: actor.tenantId,
          heldBy: { userId: actor.userId, groupIds: groupSlugsOf(actor.roles) },
        };
  }
  if (customerTenantId) return { customerTenantId };
  return actor.tenantKind === 'partner' ? { everyCustomerOf: actor.tenantId } : undefined;
}
