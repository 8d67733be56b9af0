import { DAP_ROLE_ASSIGNMENTS } from '../../delegated-admin/domain/dap-grant/events';
import type { SecurityGroupId } from './events';
import type { DirectoryRole } from './role-catalogue';
import { type DirectoryAction, ROLES_ALLOWING, roleIdsAllowing } from './directory-actions';
import type { GdapGrant } from '../../platform/domain/gdap-grants';

/** A pair's GDAP grants are part of its facts, which the platform's revocation fences take away. */
export { type GdapGrant, grantsInForce } from '../../platform/domain/gdap-grants';

export type RoleSource =
  | { kind: 'DAP' }
  | {
      kind: 'GDAP';
      relationshipId: string;
      relationshipName: string;
      assignmentId: string;
      securityGroupId: SecurityGroupId;
    };

export interface EffectiveDirectoryRole extends DirectoryRole {
  securityGroupId: SecurityGroupId;
  source: RoleSource;
}

/** What a partner holds in one customer's directory: DAP (if active) and its GDAP grants. */
export interface DirectoryFacts {
  dapActive: boolean;
  gdapGrants: readonly GdapGrant[];
}

/** DAP's groups (R10) as the security groups GDAP names. */
const DAP_GROUP: Record<string, SecurityGroupId> = {
  ADMIN_AGENTS: 'ADMIN_AGENTS',
  HELPDESK_AGENTS: 'HELPDESK_AGENTS',
};

/** Each role DAP gives (R10), worked out once and shared: frozen, so no caller changes it. */
const DAP_ROLES: readonly EffectiveDirectoryRole[] = DAP_ROLE_ASSIGNMENTS.map((grant) =>
  Object.freeze({
    roleTemplateId: grant.roleTemplateId,
    displayName: grant.role,
    securityGroupId: DAP_GROUP[grant.group],
    source: Object.freeze({ kind: 'DAP' as const }),
  }),
);

const gdapRole = (grant: GdapGrant, role: DirectoryRole): EffectiveDirectoryRole => ({
  ...role,
  securityGroupId: grant.securityGroupId,
  source: {
    kind: 'GDAP',
    relationshipId: grant.relationshipId,
    relationshipName: grant.relationshipName,
    assignmentId: grant.assignmentId,
    securityGroupId: grant.securityGroupId,
  },
});

/**
 * R67: a partner user's effective directory roles in a customer = the DAP roles of its groups
 * (while DAP is active) plus the roles of every active GDAP access assignment of a group it
 * belongs to. DAP first; each role says which grant gives it. The one place this is worked out:
 * `visit` sees each role in that order until it answers true, and only what it keeps is built.
 */
function eachEffectiveRole(
  groups: readonly SecurityGroupId[],
  facts: DirectoryFacts,
  visit: (
    role: DirectoryRole,
    dap: EffectiveDirectoryRole | null,
    grant: GdapGrant | null,
  ) => boolean,
): void {
  if (facts.dapActive) {
    for (const dap of DAP_ROLES) {
      if (groups.includes(dap.securityGroupId) && visit(dap, dap, null)) return;
    }
  }
  for (const grant of facts.gdapGrants) {
    if (!groups.includes(grant.securityGroupId)) continue;
    for (const role of grant.roles) if (visit(role, null, grant)) return;
  }
}

/** R67: every effective directory role of a user in `groups`, DAP first, each naming its grant. */
export function effectiveDirectoryRoles(
  groups: readonly SecurityGroupId[],
  facts: DirectoryFacts,
): EffectiveDirectoryRole[] {
  const held: EffectiveDirectoryRole[] = [];
  eachEffectiveRole(groups, facts, (role, dap, grant) => {
    held.push(dap ?? gdapRole(grant!, role));
    return false;
  });
  return held;
}

/**
 * R67: the first effective role (DAP before GDAP) that allows `action`, undefined when none does:
 * what every verdict reads, without building the roles it passes over.
 */
export function directoryRoleAllowing(
  groups: readonly SecurityGroupId[],
  facts: DirectoryFacts,
  action: DirectoryAction,
): EffectiveDirectoryRole | undefined {
  const allowing = roleIdsAllowing(action);
  let found: EffectiveDirectoryRole | undefined;
  eachEffectiveRole(groups, facts, (role, dap, grant) => {
    if (!allowing.includes(role.roleTemplateId)) return false;
    found = dap ?? gdapRole(grant!, role);
    return true;
  });
  return found;
}

/** The reason naming the relationship and the assignment that grant an action (R67). */
export const gdapReason = (role: EffectiveDirectoryRole, what: string): string => {
  if (role.source.kind !== 'GDAP') return '';
  const { relationshipName, relationshipId, assignmentId, securityGroupId } = role.source;
  return `GDAP relationship “${relationshipName}” (${relationshipId}), access assignment ${assignmentId}, gives ${securityGroupId} the ${role.displayName} role, which allows ${what}.`;
};

const listed = (names: readonly string[]): string =>
  names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}` : names[0];

/** Per action, the roles that allow it as a refusal lists them (written once, not per verdict). */
const ROLES_ALLOWING_TEXT = Object.fromEntries(
  Object.entries(ROLES_ALLOWING).map(([action, roles]) => [
    action,
    listed(roles.map((role) => role.displayName)),
  ]),
) as Record<DirectoryAction, string>;

/**
 * Why GDAP does not give `groups` an action (R67), for a refusal that DAP does not lift either:
 * the groups, the roles an access assignment would need, and who would give them.
 */
export function noGdapRoleAllowing(
  groups: readonly SecurityGroupId[],
  action: DirectoryAction,
  what: string,
): { missing: string; remedy: string } {
  return {
    missing: `no active GDAP access assignment of ${groups.join(', ') || 'their groups'} holds a role that allows ${what} (${ROLES_ALLOWING_TEXT[action]})`,
    remedy: `the partner must assign one of these roles to ${groups.length > 1 ? 'one of the groups' : 'the group'} in a GDAP relationship the customer approved`,
  };
}
