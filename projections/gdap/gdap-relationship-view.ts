import type { GdapEvent, GdapAssignmentStatus } from '../../src/gdap/domain/events';
import type { RecordedEvent } from '../../src/platform/projection-engine/projection';
import type { GdapAssignmentView, GdapRelationshipView } from './gdap-relationships.queries';

const withStatus = (
  view: GdapRelationshipView,
  status: GdapRelationshipView['status'],
  at: string,
  assignmentsEnd = false,
): GdapRelationshipView => ({
  ...view,
  status,
  changedAt: at,
  // R63, R64: the assignments of a relationship that ended end with it.
  assignments: assignmentsEnd
    ? view.assignments.map((assignment) => ({ ...assignment, status: 'deleted' }))
    : view.assignments,
});

const withAssignment = (
  view: GdapRelationshipView,
  assignmentId: string,
  status: GdapAssignmentStatus,
): GdapRelationshipView => ({
  ...view,
  assignments: view.assignments.map((assignment) =>
    assignment.assignmentId === assignmentId ? { ...assignment, status } : assignment,
  ),
});

/**
 * One GDAP relationship's view (R60–R66) after `event`, as the pages show it; null once deleted.
 * gdap-relationships-history keeps every version of it (asOf, R43); its rows match what
 * gdap-relationships holds for the relationship now (its spec compares the two).
 */
export function evolveRelationshipView(
  view: GdapRelationshipView | null,
  event: RecordedEvent<GdapEvent['type'], GdapEvent['data']>,
): GdapRelationshipView | null {
  const at = event.metadata.occurredAt;
  const gdap = { type: event.type, data: event.data } as GdapEvent;
  if (gdap.type === 'DelegatedAdminRelationshipCreated') {
    const { data } = gdap;
    return (
      view ?? {
        relationshipId: data.relationshipId,
        partnerTenantId: data.partnerTenantId,
        partnerName: data.partnerName,
        customerTenantId: data.customerTenantId,
        displayName: data.displayName,
        duration: data.duration,
        roles: data.roles,
        autoExtendDuration: data.autoExtendDuration,
        status: 'created',
        approvalUrl: null,
        emailDraft: null,
        approvalExpiresAt: null,
        activatedAt: null,
        endDateTime: null,
        createdAt: at,
        changedAt: at,
        assignments: [],
      }
    );
  }
  if (!view) return null;
  switch (gdap.type) {
    case 'DelegatedAdminRelationshipUpdated': {
      const { data } = gdap;
      // R65: an assignment keeps only the relationship's roles.
      const kept = new Set(data.roles.map((role) => role.roleTemplateId));
      return {
        ...view,
        displayName: data.displayName,
        duration: data.duration,
        roles: data.roles,
        autoExtendDuration: data.autoExtendDuration,
        changedAt: at,
        assignments: view.assignments.map((assignment) => ({
          ...assignment,
          roles: assignment.roles.filter((role) => kept.has(role.roleTemplateId)),
        })),
      };
    }
    case 'DelegatedAdminRelationshipDeleted':
      return null;
    case 'DelegatedAdminRelationshipApprovalRequested':
      return {
        ...view,
        status: 'approvalPending',
        approvalUrl: gdap.data.approvalUrl,
        emailDraft: gdap.data.emailDraft,
        approvalExpiresAt: gdap.data.expiresAt,
        changedAt: at,
      };
    case 'DelegatedAdminRelationshipApproved':
      return {
        ...view,
        status: 'active',
        activatedAt: gdap.data.activatedAt,
        endDateTime: gdap.data.endDateTime,
        changedAt: at,
      };
    case 'DelegatedAdminRelationshipApprovalExpired':
      return withStatus(view, 'expired', at);
    case 'DelegatedAdminRelationshipExpiring':
      return withStatus(view, 'expiring', at);
    case 'DelegatedAdminRelationshipExpired':
      return withStatus(view, 'expired', at, true);
    case 'DelegatedAdminRelationshipAutoExtended':
      return { ...view, status: 'active', endDateTime: gdap.data.endDateTime, changedAt: at };
    case 'DelegatedAdminRelationshipTerminationRequested':
      return withStatus(view, 'terminationRequested', at);
    case 'DelegatedAdminRelationshipTerminated':
      return withStatus(view, 'terminated', at, true);
    case 'DelegatedAdminAccessAssignmentCreated': {
      const { data } = gdap;
      if (view.assignments.some((a) => a.assignmentId === data.assignmentId)) return view;
      const assignment: GdapAssignmentView = {
        assignmentId: data.assignmentId,
        relationshipId: data.relationshipId,
        securityGroupId: data.securityGroupId,
        roles: data.roles,
        status: 'pending',
        createdAt: at,
      };
      return { ...view, assignments: [...view.assignments, assignment] };
    }
    case 'DelegatedAdminAccessAssignmentActivated':
      return withAssignment(view, gdap.data.assignmentId, 'active');
    case 'DelegatedAdminAccessAssignmentDeletionRequested':
      return withAssignment(view, gdap.data.assignmentId, 'deleting');
    case 'DelegatedAdminAccessAssignmentDeleted':
      return withAssignment(view, gdap.data.assignmentId, 'deleted');
  }
}
