import type { GdapRelationshipView } from '../../projections/gdap/gdap-relationships.queries';
import type { Actor } from '../platform/domain/actor';
import {
  type DelegatedAdminAccessAssignmentStatus,
  type DelegatedAdminRelationship,
  type DelegatedAdminRelationshipStatus,
} from './gdap.types';

const date = (value: string | null) => (value ? new Date(value) : null);

/** The approval link and draft are the partner's to send (R61); the customer sees the rest. */
export function toRelationship(
  view: GdapRelationshipView,
  viewer: Actor,
): DelegatedAdminRelationship {
  const partnerSees = viewer.tenantKind === 'partner';
  return {
    id: view.relationshipId,
    displayName: view.displayName,
    duration: view.duration,
    partnerTenantId: view.partnerTenantId,
    partnerName: view.partnerName,
    customerTenantId: view.customerTenantId,
    roles: view.roles,
    autoExtendDuration: view.autoExtendDuration,
    status: view.status as DelegatedAdminRelationshipStatus,
    approvalUrl: partnerSees ? view.approvalUrl : null,
    emailDraft: partnerSees ? view.emailDraft : null,
    approvalExpiresDateTime: date(view.approvalExpiresAt),
    activatedDateTime: date(view.activatedAt),
    endDateTime: date(view.endDateTime),
    createdDateTime: new Date(view.createdAt),
    lastModifiedDateTime: new Date(view.changedAt),
    accessAssignments: view.assignments.map((assignment) => ({
      id: assignment.assignmentId,
      relationshipId: assignment.relationshipId,
      securityGroupId: assignment.securityGroupId,
      roles: assignment.roles,
      status: assignment.status as DelegatedAdminAccessAssignmentStatus,
      createdDateTime: new Date(assignment.createdAt),
    })),
  };
}
