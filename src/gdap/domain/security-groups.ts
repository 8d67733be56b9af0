import { invalidInput } from '../../platform/domain/domain-error';
import { groupSlugsOf, isGroupSlug } from '../../platform/domain/group-slugs';
import { quote } from '../../platform/domain/ids';
import type { SecurityGroupId } from './events';

/** The partner's built-in groups, and the token role that makes a user a member (as today). */
export const BUILT_IN_GROUPS = {
  ADMIN_AGENTS: 'AdminAgent',
  HELPDESK_AGENTS: 'HelpdeskAgent',
  SALES_AGENTS: 'SalesAgent',
} as const;

/** R66: a built-in group, or one the partner defines (a lower-case slug, 1–64 characters). */
export function checkSecurityGroupId(value: string): SecurityGroupId {
  const id = value.trim();
  if (Object.hasOwn(BUILT_IN_GROUPS, id) || isGroupSlug(id)) return id;
  throw invalidInput(
    `${quote(value)} is not a security group: ADMIN_AGENTS, HELPDESK_AGENTS, SALES_AGENTS, or a group you define (lower-case letters, digits and hyphens).`,
    'R66',
  );
}

/** The groups the partner defined that a user belongs to: the slugs among its token's roles. */
export const partnerDefinedGroupsOf = (tokenRoles: readonly string[]): SecurityGroupId[] =>
  groupSlugsOf(tokenRoles);

/** The groups a partner user belongs to, from its token's roles: built-in ones and its own. */
export function groupsOfTokenRoles(tokenRoles: readonly string[]): SecurityGroupId[] {
  const builtIn = Object.entries(BUILT_IN_GROUPS)
    .filter(([, role]) => tokenRoles.includes(role))
    .map(([group]) => group);
  return [...builtIn, ...partnerDefinedGroupsOf(tokenRoles)];
}
