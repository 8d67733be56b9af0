import type { GdapStreamEvent } from './events';
import type { DirectoryRole } from './role-catalogue';

const loses = (before: readonly DirectoryRole[], after: readonly DirectoryRole[]): boolean => {
  const kept = new Set(after.map((role) => role.roleTemplateId));
  return before.some((role) => !kept.has(role.roleTemplateId));
};

/**
 * R67: whether recording `events` takes any GDAP access away from the partner, so that its
 * revocation fences the partner's dependent streams first. An edit or an assignment change that
 * loses no role only grants as much or more; every other change a revocation records (a
 * termination, a deletion) takes access away.
 */
export function takesAccessAway(events: readonly GdapStreamEvent[]): boolean {
  return events.some((event) => {
    switch (event.type) {
      case 'DelegatedAdminAccessAssignmentUpdated':
        return loses(event.data.before, event.data.roles);
      case 'DelegatedAdminRelationshipUpdated':
        // An edit recorded before `before` existed is not decided again: only new ones come here.
        return event.data.before === undefined || loses(event.data.before.roles, event.data.roles);
      default:
        return true;
    }
  });
}
