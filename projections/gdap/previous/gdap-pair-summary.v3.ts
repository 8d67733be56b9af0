import type { DirectoryRole } from '../../../src/gdap/domain/role-catalogue';
import { directoryRoleById } from '../../../src/gdap/domain/role-catalogue';
import { type PairSummaryEncoder, pairSummaryEncoder } from '../gdap-pair-summary';

/*
 * The pair summary's text as gdap-relationships version 3 writes it (gdap-pair-summary.ts reads
 * it): roles as their template ids joined by spaces, no end in ms. Version 4 keeps version 3 up
 * with it while it builds, so an instance still running version 3 on the same file reads what it
 * wrote. Delete with `previous` once version 4 is live everywhere.
 */

const roleIds = (roles: readonly DirectoryRole[]): string | DirectoryRole[] =>
  roles.every(
    (role) =>
      !role.roleTemplateId.includes(' ') &&
      directoryRoleById(role.roleTemplateId)?.displayName === role.displayName,
  )
    ? roles.map((role) => role.roleTemplateId).join(' ')
    : [...roles];

export const encodePairSummaryV3: PairSummaryEncoder = pairSummaryEncoder(roleIds, false);
