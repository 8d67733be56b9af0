/**
 * A group a tenant defines (a partner's GDAP security group, a customer's group holding an Azure
 * role): a lower-case slug of 1 to 64 characters. A user belongs to the groups whose slugs are
 * among its token's roles, so no built-in role (`AdminAgent`, `GlobalAdmin`) is ever one.
 */
const GROUP_SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export const isGroupSlug = (value: string): boolean => GROUP_SLUG.test(value);

/** The groups a user belongs to: the slugs among its token's roles. */
export const groupSlugsOf = (tokenRoles: readonly string[]): string[] =>
  tokenRoles.filter(isGroupSlug);
