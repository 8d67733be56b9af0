import {
  conflict,
  invalidInput,
  notFound,
  preconditionFailed,
} from '../../platform/domain/domain-error';
import type { GdapCommand } from './commands';
import type { GdapEvent } from './events';
import { assertPartnerAdminAgent } from './gdap-access';
import { GRANTING, type GdapState } from './gdap-state';
import { relationshipOf } from './relationship-decisions';
import { checkSecurityGroupId } from './security-groups';

type Of<T extends GdapCommand['type']> = Extract<GdapCommand, { type: T }>;

/**
 * R66: how many access assignments one relationship holds at once (pending, active or deleting):
 * one per group, and groups the partner defines are any slug, so without a bound a partner could
 * grow the relationship, and every page and version that shows it, without end.
 */
export const ASSIGNMENTS_HELD_AT_MOST = 50;

/** R66: a group gets a subset of an active relationship's roles; one assignment per group. */
export function createAssignment(
  command: Of<'CreateDelegatedAdminAccessAssignment'>,
  state: GdapState,
  now: Date,
): GdapEvent[] {
  const relationship = relationshipOf(state, command.relationshipId);
  assertPartnerAdminAgent(command.actor, relationship.partnerTenantId);
  const ended = relationship.endDateTime !== null && new Date(relationship.endDateTime) <= now;
  if (!GRANTING.includes(relationship.status) || ended) {
    throw preconditionFailed(
      'R66',
      `Access is assigned only while the relationship is active (this one is ${ended ? 'past its end' : relationship.status}).`,
    );
  }
  const securityGroupId = checkSecurityGroupId(command.securityGroupId);
  const wanted = new Set(command.roleTemplateIds.map((id) => id.trim().toLowerCase()));
  const roles = relationship.roles.filter((role) => wanted.has(role.roleTemplateId));
  if (wanted.size === 0 || roles.length !== wanted.size) {
    throw invalidInput(
      'An access assignment holds one or more of the relationship’s own roles, and only those.',
      'R66',
    );
  }
  const held = Object.values(relationship.assignments).filter(
    (assignment) => assignment.status !== 'deleted',
  );
  if (held.some((assignment) => assignment.securityGroupId === securityGroupId)) {
    throw conflict(
      `${securityGroupId} already has an access assignment in this relationship.`,
      'R66',
    );
  }
  if (held.length >= ASSIGNMENTS_HELD_AT_MOST) {
    throw preconditionFailed(
      'R66',
      `This relationship already holds ${held.length} access assignments, the most one holds: delete one first.`,
    );
  }
  return [
    {
      type: 'DelegatedAdminAccessAssignmentCreated',
      data: {
        relationshipId: relationship.relationshipId,
        partnerTenantId: relationship.partnerTenantId,
        customerTenantId: relationship.customerTenantId,
        assignmentId: command.assignmentId,
        securityGroupId,
        roles,
      },
    },
  ];
}

/** R66: pending or active assignments go to deleting; the scheduler records them deleted. */
export function deleteAssignment(
  command: Of<'DeleteDelegatedAdminAccessAssignment'>,
  state: GdapState,
): GdapEvent[] {
  const relationship = relationshipOf(state, command.relationshipId);
  assertPartnerAdminAgent(command.actor, relationship.partnerTenantId);
  const assignment = relationship.assignments[command.assignmentId];
  if (!assignment) throw notFound('No such access assignment.');
  if (assignment.status !== 'pending' && assignment.status !== 'active') {
    throw preconditionFailed('R66', `This access assignment is already ${assignment.status}.`);
  }
  return [
    {
      type: 'DelegatedAdminAccessAssignmentDeletionRequested',
      data: {
        relationshipId: relationship.relationshipId,
        partnerTenantId: relationship.partnerTenantId,
        customerTenantId: relationship.customerTenantId,
        assignmentId: assignment.assignmentId,
      },
    },
  ];
}
