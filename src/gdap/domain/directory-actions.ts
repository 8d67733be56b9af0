import { DIRECTORY_ROLES as R } from './role-catalogue';

/**
 * R67: which directory roles allow each action a partner takes in a customer's tenant. DAP's two
 * roles fall out as R14 says (Global Administrator allows all; Helpdesk Administrator the admin
 * portals, service requests and helpdesk actions); reader roles allow none of them.
 */
export const ROLES_ALLOWING = {
  MANAGE_DIRECTORY: [R.GLOBAL_ADMINISTRATOR, R.USER_ADMINISTRATOR, R.PRIVILEGED_ROLE_ADMINISTRATOR],
  // R14 as revised on 2026-11-30: Helpdesk Administrators sign in to the portals for helpdesk work.
  USE_ADMIN_PORTALS: [
    R.GLOBAL_ADMINISTRATOR,
    R.HELPDESK_ADMINISTRATOR,
    R.USER_ADMINISTRATOR,
    R.EXCHANGE_ADMINISTRATOR,
    R.SHAREPOINT_ADMINISTRATOR,
    R.TEAMS_ADMINISTRATOR,
    R.INTUNE_ADMINISTRATOR,
  ],
  OPEN_SERVICE_REQUEST: [
    R.GLOBAL_ADMINISTRATOR,
    R.HELPDESK_ADMINISTRATOR,
    R.USER_ADMINISTRATOR,
    R.EXCHANGE_ADMINISTRATOR,
    R.SHAREPOINT_ADMINISTRATOR,
    R.TEAMS_ADMINISTRATOR,
    R.INTUNE_ADMINISTRATOR,
  ],
  HELPDESK_ACTIONS: [
    R.GLOBAL_ADMINISTRATOR,
    R.HELPDESK_ADMINISTRATOR,
    R.USER_ADMINISTRATOR,
    R.PRIVILEGED_ROLE_ADMINISTRATOR,
  ],
  /** R35 under `dap-required`: DAP, or a GDAP role that manages devices. */
  AUTOPILOT: [R.GLOBAL_ADMINISTRATOR, R.INTUNE_ADMINISTRATOR],
} as const;

export type DirectoryAction = keyof typeof ROLES_ALLOWING;

const ROLE_IDS_ALLOWING = Object.fromEntries(
  Object.entries(ROLES_ALLOWING).map(([action, roles]) => [
    action,
    Object.freeze(roles.map((role) => role.roleTemplateId)),
  ]),
) as Record<DirectoryAction, readonly string[]>;

/** The template ids of the roles that allow `action` (one frozen list per action). */
export const roleIdsAllowing = (action: DirectoryAction): readonly string[] =>
  ROLE_IDS_ALLOWING[action];
