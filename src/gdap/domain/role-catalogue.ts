import { invalidInput } from '../../platform/domain/domain-error';
import { quote } from '../../platform/domain/ids';
import type { DirectoryRole } from '../../platform/domain/gdap-grants';

/** A Microsoft Entra built-in directory role (declared with the pair facts that carry it). */
export type { DirectoryRole };

/** R60: the directory roles a GDAP relationship may request (Entra's built-in role templates). */
export const DIRECTORY_ROLES = {
  GLOBAL_ADMINISTRATOR: {
    roleTemplateId: '62e90394-69f5-4237-9190-012177145e10',
    displayName: 'Global Administrator',
  },
  HELPDESK_ADMINISTRATOR: {
    roleTemplateId: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
    displayName: 'Helpdesk Administrator',
  },
  USER_ADMINISTRATOR: {
    roleTemplateId: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
    displayName: 'User Administrator',
  },
  EXCHANGE_ADMINISTRATOR: {
    roleTemplateId: '29232cdf-9323-42fd-ade2-1d097af3e4de',
    displayName: 'Exchange Administrator',
  },
  SHAREPOINT_ADMINISTRATOR: {
    roleTemplateId: 'f28a1f50-f6e7-4571-818b-6a12f2af6b6c',
    displayName: 'SharePoint Administrator',
  },
  TEAMS_ADMINISTRATOR: {
    roleTemplateId: '69091246-20e8-4a56-aa4d-066075b2a7a8',
    displayName: 'Teams Administrator',
  },
  INTUNE_ADMINISTRATOR: {
    roleTemplateId: '3a2c62db-5318-420d-8d74-23affee5d9d5',
    displayName: 'Intune Administrator',
  },
  SECURITY_READER: {
    roleTemplateId: '5d6b6bb7-de71-4623-b4af-96380a352509',
    displayName: 'Security Reader',
  },
  DIRECTORY_READERS: {
    roleTemplateId: '88d8e3e3-8f55-4a1e-953a-9b9898b8876b',
    displayName: 'Directory Readers',
  },
  PRIVILEGED_ROLE_ADMINISTRATOR: {
    roleTemplateId: 'e8611ab8-c189-46e8-94e1-60213ab1f814',
    displayName: 'Privileged Role Administrator',
  },
} as const satisfies Record<string, DirectoryRole>;

export const DIRECTORY_ROLE_CATALOGUE: readonly DirectoryRole[] = Object.values(DIRECTORY_ROLES);

export const GLOBAL_ADMINISTRATOR_ID = DIRECTORY_ROLES.GLOBAL_ADMINISTRATOR.roleTemplateId;

const BY_ID = new Map(DIRECTORY_ROLE_CATALOGUE.map((role) => [role.roleTemplateId, role]));

export const directoryRoleById = (roleTemplateId: string): DirectoryRole | undefined =>
  BY_ID.get(roleTemplateId);

/**
 * R60: requested roles as the catalogue names them: each template id must be in the catalogue,
 * and a display name given with it must be the catalogue's; duplicates collapse.
 */
export function catalogueRoles(
  requested: readonly { roleTemplateId: string; displayName?: string | null }[],
): DirectoryRole[] {
  if (requested.length === 0) {
    throw invalidInput('A GDAP relationship needs at least one directory role.', 'R60');
  }
  const roles = new Map<string, DirectoryRole>();
  for (const { roleTemplateId, displayName } of requested) {
    const role = BY_ID.get(roleTemplateId.trim().toLowerCase());
    if (!role) {
      throw invalidInput(
        `${quote(roleTemplateId)} is not a directory role GDAP can grant here.`,
        'R60',
      );
    }
    if (displayName != null && displayName.trim() !== role.displayName) {
      throw invalidInput(
        `Role ${role.roleTemplateId} is ${role.displayName}, not ${quote(displayName)}.`,
        'R60',
      );
    }
    roles.set(role.roleTemplateId, role);
  }
  return [...roles.values()];
}

/** Whether two role lists hold the same roles, in any order. */
export function sameRoles(a: readonly DirectoryRole[], b: readonly DirectoryRole[]): boolean {
  const held = new Set(b.map((role) => role.roleTemplateId));
  return a.length === held.size && a.every((role) => held.has(role.roleTemplateId));
}
