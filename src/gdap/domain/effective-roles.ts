import { DAP_ROLE_ASSIGNMENTS } from '../../delegated-admin/domain/dap-grant/events';
import type { SecurityGroupId } from './events';
import type { DirectoryRole } from './role-catalogue';
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

/**
 * R67: a partner user's effective directory roles in a customer = the DAP roles of its groups
 * (while DAP is active) plus the roles of every active GDAP access assignment of a group it
 * belongs to. DAP first; each role says which grant gives it. The one place this is worked out.
 */
export function effectiveDirectoryRoles(
  groups: readonly SecurityGroupId[],
  facts: DirectoryFacts,
): EffectiveDirectoryRole[] {
  const dap: EffectiveDirectoryRole[] = facts.dapActive
    ? DAP_ROLE_ASSIGNMENTS.filter((grant) => groups.includes(DAP_GROUP[grant.group])).map(
        (grant) => ({
          roleTemplateId: grant.roleTemplateId,
          displayName: grant.role,
          securityGroupId: DAP_GROUP[grant.group],
          source: { kind: 'DAP' },
        }),
      )
    : [];
  const gdap = facts.gdapGrants
    .filter((grant) => groups.includes(grant.securityGroupId))
    .flatMap((grant) =>
      grant.roles.map((role): EffectiveDirectoryRole => ({
        ...role,
        securityGroupId: grant.securityGroupId,
        source: {
          kind: 'GDAP',
          relationshipId: grant.relationshipId,
          relationshipName: grant.relationshipName,
          assignmentId: grant.assignmentId,
          securityGroupId: grant.securityGroupId,
        },
      })),
    );
  return [...dap, ...gdap];
}

/** The first held role among `allowing`, DAP before GDAP; undefined when none is held. */
export function roleAllowing(
  held: readonly EffectiveDirectoryRole[],
  allowing: readonly string[],
): EffectiveDirectoryRole | undefined {
  return held.find((role) => allowing.includes(role.roleTemplateId));
}

/** The reason naming the relationship and the assignment that grant an action (R67). */
export const gdapReason = (role: EffectiveDirectoryRole, what: string): string => {
  if (role.source.kind !== 'GDAP') return '';
  const { relationshipName, relationshipId, assignmentId, securityGroupId } = role.source;
  return `GDAP relationship “${relationshipName}” (${relationshipId}), access assignment ${assignmentId}, gives ${securityGroupId} the ${role.displayName} role, which allows ${what}.`;
};
