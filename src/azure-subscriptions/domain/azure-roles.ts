import { groupSlugsOf } from '../../platform/domain/group-slugs';

export const AZURE_ROLES = ['OWNER', 'CONTRIBUTOR', 'READER', 'USER_ACCESS_ADMINISTRATOR'] as const;
export type AzureRole = (typeof AZURE_ROLES)[number];

/** R20: Azure's built-in role definition ids. */
export const ROLE_DEFINITION_IDS: Record<AzureRole, string> = {
  OWNER: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  CONTRIBUTOR: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  READER: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  USER_ACCESS_ADMINISTRATOR: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
};

export const ROLE_DISPLAY_NAMES: Record<AzureRole, string> = {
  OWNER: 'Owner',
  CONTRIBUTOR: 'Contributor',
  READER: 'Reader',
  USER_ACCESS_ADMINISTRATOR: 'User Access Administrator',
};

export type SubscriptionAction = 'READ' | 'MANAGE_RESOURCES' | 'MANAGE_ACCESS';

const ALLOWS: Record<AzureRole, readonly SubscriptionAction[]> = {
  OWNER: ['READ', 'MANAGE_RESOURCES', 'MANAGE_ACCESS'],
  CONTRIBUTOR: ['READ', 'MANAGE_RESOURCES'],
  READER: ['READ'],
  USER_ACCESS_ADMINISTRATOR: ['READ', 'MANAGE_ACCESS'],
};

/** R25: Owner everything; Contributor resources, not access; Reader read only; UAA access only. */
export const roleAllows = (role: AzureRole, action: SubscriptionAction): boolean =>
  ALLOWS[role].includes(action);

/** The partner groups that hold Azure roles (Sales Agents have no group of their own). */
export const PARTNER_GROUPS = ['ADMIN_AGENTS', 'HELPDESK_AGENTS'] as const;
export type PartnerGroup = (typeof PARTNER_GROUPS)[number];

/** How people name each partner group. */
export const PARTNER_GROUP_LABEL: Record<PartnerGroup, string> = {
  ADMIN_AGENTS: 'Admin Agents',
  HELPDESK_AGENTS: 'Helpdesk Agents',
};

/**
 * R20: a partner group, or a customer user or group. A customer group is one the customer defines
 * (a lower-case slug): its members are the customer's users whose token roles name it.
 */
export type Principal =
  | { kind: 'PARTNER_GROUP'; partnerTenantId: string; group: PartnerGroup }
  | { kind: 'CUSTOMER_USER'; userId: string }
  | { kind: 'CUSTOMER_GROUP'; groupId: string };

/** Whether `principal` is one of the partner's groups. */
export const isGroupOf = (
  partnerTenantId: string,
  principal: Principal,
): principal is Extract<Principal, { kind: 'PARTNER_GROUP' }> =>
  principal.kind === 'PARTNER_GROUP' && principal.partnerTenantId === partnerTenantId;

/** R17, R23: a partner sees its own groups' role assignments only; the customer and Operator all. */
export const assignmentSeenBy = (
  viewer: { tenantKind: string; tenantId: string },
  principal: Principal,
) => viewer.tenantKind !== 'partner' || isGroupOf(viewer.tenantId, principal);

export function samePrincipal(a: Principal, b: Principal): boolean {
  switch (a.kind) {
    case 'PARTNER_GROUP':
      return (
        b.kind === 'PARTNER_GROUP' && a.partnerTenantId === b.partnerTenantId && a.group === b.group
      );
    case 'CUSTOMER_USER':
      return b.kind === 'CUSTOMER_USER' && a.userId === b.userId;
    case 'CUSTOMER_GROUP':
      return b.kind === 'CUSTOMER_GROUP' && a.groupId === b.groupId;
  }
}

/** Whether a customer user is `principal`, or a member of it (its token's roles name the group). */
export const customerUserHolds = (
  user: { userId: string; roles: readonly string[] },
  principal: Principal,
): boolean =>
  (principal.kind === 'CUSTOMER_USER' && principal.userId === user.userId) ||
  (principal.kind === 'CUSTOMER_GROUP' && groupSlugsOf(user.roles).includes(principal.groupId));

export function describePrincipal(principal: Principal): string {
  switch (principal.kind) {
    case 'PARTNER_GROUP':
      return `${principal.partnerTenantId}'s ${PARTNER_GROUP_LABEL[principal.group]}`;
    case 'CUSTOMER_USER':
      return `user ${principal.userId}`;
    case 'CUSTOMER_GROUP':
      return `group ${principal.groupId}`;
  }
}
