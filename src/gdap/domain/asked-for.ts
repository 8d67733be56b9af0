import type { GdapStreamEvent } from './events';

/**
 * R64, R66, R69: which earlier event asked for `step`, a step the scheduler records: a termination
 * was asked for by the request to terminate (either side's, R64), an assignment's activation by
 * its creation, its deletion by the request to delete it. Null for what time alone decides (an
 * approval lapsing, expiring, expiry, auto-extension): no request asked for it.
 */
export function askedFor(step: GdapStreamEvent): ((earlier: GdapStreamEvent) => boolean) | null {
  switch (step.type) {
    case 'DelegatedAdminRelationshipTerminated':
      return (earlier) =>
        earlier.type === 'DelegatedAdminRelationshipTerminationRequested' &&
        earlier.data.relationshipId === step.data.relationshipId;
    case 'DelegatedAdminAccessAssignmentActivated':
      return (earlier) =>
        earlier.type === 'DelegatedAdminAccessAssignmentCreated' &&
        earlier.data.assignmentId === step.data.assignmentId;
    case 'DelegatedAdminAccessAssignmentDeleted':
      return (earlier) =>
        earlier.type === 'DelegatedAdminAccessAssignmentDeletionRequested' &&
        earlier.data.assignmentId === step.data.assignmentId;
    default:
      return null;
  }
}
