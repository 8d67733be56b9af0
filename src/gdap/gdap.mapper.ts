import {
  assignmentChangedAt,
  type GdapRelationshipView,
} from '../../projections/gdap/gdap-relationship-view';
import type { Actor } from '../platform/domain/actor';
import type {
  DelegatedAdminAccessAssignmentStatus,
  DelegatedAdminRelationship,
  DelegatedAdminRelationshipStatus,
} from './gdap.types';

const date = (value: string | null) => (value ? new Date(value) : null);

/** A relationship as its partner sees it (approval link and draft included, R61). */
export function relationshipNode(view: GdapRelationshipView): DelegatedAdminRelationship {
  return {
    id: view.relationshipId,
    displayName: view.displayName,
    duration: view.duration,
    partnerTenantId: view.partnerTenantId,
    partnerName: view.partnerName,
    customerTenantId: view.customerTenantId,
    customerDisplayName: view.customerDisplayName ?? null,
    roles: view.roles,
    autoExtendDuration: view.autoExtendDuration,
    status: view.status as DelegatedAdminRelationshipStatus,
    approvalUrl: view.approvalUrl,
    emailDraft: view.emailDraft,
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
      lastModifiedDateTime: new Date(assignmentChangedAt(assignment)),
    })),
  };
}

/** The approval link and draft are the partner's to send (R61); the customer sees the rest. */
export const asSeenBy = (
  node: DelegatedAdminRelationship,
  viewer: Actor,
): DelegatedAdminRelationship =>
  viewer.tenantKind === 'partner' ? node : { ...node, approvalUrl: null, emailDraft: null };

/** Relationships as `viewer` sees them: the partner's own nodes as they are, no copy. */
export const relationshipsAsSeenBy = (
  nodes: readonly DelegatedAdminRelationship[],
  viewer: Actor,
): DelegatedAdminRelationship[] =>
  viewer.tenantKind === 'partner'
    ? (nodes as DelegatedAdminRelationship[])
    : nodes.map((node) => asSeenBy(node, viewer));

export const toRelationship = (
  view: GdapRelationshipView,
  viewer: Actor,
): DelegatedAdminRelationship => asSeenBy(relationshipNode(view), viewer);
