import {
  conflict,
  invalidInput,
  notFound,
  preconditionFailed,
} from '../../platform/domain/domain-error';
import type { GdapCommand } from './commands';
import type { GdapEvent } from './events';
import { assertPartnerAdminAgent } from './gdap-access';
import {
  assignmentDeletionRequested,
  inForce,
  notInForceBecause,
  type GdapRelationship,
  type GdapState,
} from './gdap-state';
import { type DirectoryRole, sameRoles } from './role-catalogue';
import type { Actor } from '../../platform/domain/actor';
import { relationshipOf } from './relationship-decisions';
import { checkSecurityGroupId } from './security-groups';

type Of<T extends GdapCommand['type']> = Extract<GdapCommand, { type: T }>;

/**
 * R66: how many access assignments one relationship holds at once (pending, active or deleting):
 * one per group, and groups the partner defines are any slug, so without a bound a partner could
 * grow the relationship, and every page and version that shows it, without end.
 */
export const ASSIGNMENTS_HELD_AT_MOST = 50;

/**
 * R66, R63: the relationship an Admin Agent of its partner assigns, changes or deletes access in,
 * while it is in force (past its end, before the scheduler records the expiry, it is not).
 */
function assigningIn(
  state: GdapState,
  command: { actor: Actor; relationshipId: string },
  now: Date,
): GdapRelationship {
  const relationship = relationshipOf(state, command.relationshipId);
  assertPartnerAdminAgent(command.actor, 'R66', relationship);
  if (!inForce(relationship, now)) {
    throw preconditionFailed(
      'R66',
      `Access assignments are made, changed and deleted only while the relationship is active (this one is ${notInForceBecause(relationship)}); its end takes them away.`,
    );
  }
  return relationship;
}

/** R66: the relationship's roles an assignment asks for: one or more of them, and only those. */
function rolesOf(
  relationship: GdapRelationship,
  roleTemplateIds: readonly string[],
): DirectoryRole[] {
  const wanted = new Set(roleTemplateIds.map((id) => id.trim().toLowerCase()));
  const roles = relationship.roles.filter((role) => wanted.has(role.roleTemplateId));
  if (wanted.size === 0 || roles.length !== wanted.size) {
    throw invalidInput(
      'An access assignment holds one or more of the relationship’s own roles, and only those.',
      'R66',
    );
  }
  return roles;
}

/** R66: a group gets a subset of an active relationship's roles; one assignment per group. */
export function createAssignment(
  command: Of<'CreateDelegatedAdminAccessAssignment'>,
  state: GdapState,
  now: Date,
): GdapEvent[] {
  const relationship = assigningIn(state, command, now);
  const securityGroupId = checkSecurityGroupId(command.securityGroupId);
  const roles = rolesOf(relationship, command.roleTemplateIds);
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
  now: Date,
): GdapEvent[] {
  const relationship = assigningIn(state, command, now);
  const assignment = relationship.assignments[command.assignmentId];
  if (!assignment) throw notFound('No such access assignment.');
  if (assignment.status !== 'pending' && assignment.status !== 'active') {
    throw preconditionFailed('R66', `This access assignment is already ${assignment.status}.`);
  }
  return [assignmentDeletionRequested(relationship, assignment.assignmentId)];
}

/**
 * R66: the partner changes the roles a pending or active assignment gives its group (Graph's
 * update of accessDetails), to another subset of the relationship's roles; the group holds them at
 * once, and loses those left out at once. The same roles again change nothing.
 */
export function updateAssignment(
  command: Of<'UpdateDelegatedAdminAccessAssignment'>,
  state: GdapState,
  now: Date,
): GdapEvent[] {
  const relationship = assigningIn(state, command, now);
  const assignment = relationship.assignments[command.assignmentId];
  if (!assignment) throw notFound('No such access assignment.');
  if (assignment.status !== 'pending' && assignment.status !== 'active') {
    throw preconditionFailed('R66', `This access assignment is ${assignment.status}.`);
  }
  const roles = rolesOf(relationship, command.roleTemplateIds);
  if (sameRoles(roles, assignment.roles)) return [];
  return [
    {
      type: 'DelegatedAdminAccessAssignmentUpdated',
      data: {
        relationshipId: relationship.relationshipId,
        partnerTenantId: relationship.partnerTenantId,
        customerTenantId: relationship.customerTenantId,
        assignmentId: assignment.assignmentId,
        securityGroupId: assignment.securityGroupId,
        roles,
        before: [...assignment.roles],
      },
    },
  ];
}
