import {
  DIRECTORY_ROLES,
  type DirectoryRole,
  directoryRoleById,
} from '../../src/gdap/domain/role-catalogue';

/*
 * How a pair summary row (gdap-pair-summary.ts) stores a role list: one number of role codes
 * (ROLE_CODES) where the catalogue names the roles the same (versions 4 and 5), else the roles
 * themselves; version 3 wrote template ids joined by spaces. Decoded lists are shared.
 */
export type StoredRoles = number | string | DirectoryRole[];

/**
 * The catalogue's roles in the order their stored codes name them (code = position + 1). Stored
 * rows hold these codes: append only, never reorder.
 */
const ROLE_CODES: readonly string[] = [
  DIRECTORY_ROLES.GLOBAL_ADMINISTRATOR,
  DIRECTORY_ROLES.HELPDESK_ADMINISTRATOR,
  DIRECTORY_ROLES.USER_ADMINISTRATOR,
  DIRECTORY_ROLES.EXCHANGE_ADMINISTRATOR,
  DIRECTORY_ROLES.SHAREPOINT_ADMINISTRATOR,
  DIRECTORY_ROLES.TEAMS_ADMINISTRATOR,
  DIRECTORY_ROLES.INTUNE_ADMINISTRATOR,
  DIRECTORY_ROLES.SECURITY_READER,
  DIRECTORY_ROLES.DIRECTORY_READERS,
  DIRECTORY_ROLES.PRIVILEGED_ROLE_ADMINISTRATOR,
].map((role) => role.roleTemplateId);

/** A role list as one number: each role's code a base-32 digit, the first role the lowest. */
const CODE_BASE = 32;
/** 32^10 < 2^53: ten codes fit a number exactly; a longer list is stored as its roles. */
const MAX_CODED_ROLES = 10;

const codeOf = (role: DirectoryRole): number => {
  const code = ROLE_CODES.indexOf(role.roleTemplateId) + 1;
  return code > 0 && directoryRoleById(role.roleTemplateId)?.displayName === role.displayName
    ? code
    : 0;
};

export function storedRoles(roles: readonly DirectoryRole[]): StoredRoles {
  if (roles.length > MAX_CODED_ROLES) return [...roles];
  let stored = 0;
  for (let index = roles.length - 1; index >= 0; index--) {
    const code = codeOf(roles[index]);
    if (code === 0) return [...roles];
    stored = stored * CODE_BASE + code;
  }
  return stored;
}

/**
 * Stored role lists seen, as lists of the catalogue's roles, shared by every node that holds the
 * same list (frozen: nothing that serves them may change them); bounded.
 */
const CATALOGUE_LISTS = new Map<number | string, DirectoryRole[]>();

function rolesOfCodes(stored: number): DirectoryRole[] {
  const roles: DirectoryRole[] = [];
  for (let rest = stored; rest > 0; rest = Math.floor(rest / CODE_BASE)) {
    roles.push(directoryRoleById(ROLE_CODES[(rest % CODE_BASE) - 1])!);
  }
  return roles;
}

/** Version 3's form: template ids joined by spaces. */
const rolesOfIds = (stored: string): DirectoryRole[] =>
  stored === '' ? [] : stored.split(' ').map((id) => directoryRoleById(id)!);

export function rolesOf(stored: StoredRoles): DirectoryRole[] {
  if (typeof stored === 'object') return stored;
  let roles = CATALOGUE_LISTS.get(stored);
  if (!roles) {
    roles = Object.freeze(
      typeof stored === 'number' ? rolesOfCodes(stored) : rolesOfIds(stored),
    ) as DirectoryRole[];
    if (CATALOGUE_LISTS.size < 1024) CATALOGUE_LISTS.set(stored, roles);
  }
  return roles;
}
