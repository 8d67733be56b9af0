import type { GdapAssignmentStatus, GdapRelationshipStatus } from '../../src/gdap/domain/events';
import type { DirectoryRole } from '../../src/gdap/domain/role-catalogue';
import { assignmentGrants, GRANTING } from '../../src/gdap/domain/gdap-state';
import type {
  DelegatedAdminAccessAssignment,
  DelegatedAdminAccessAssignmentStatus,
  DelegatedAdminRelationship,
  DelegatedAdminRelationshipStatus,
} from '../../src/gdap/gdap.types';
import type { GdapGrant } from '../../src/platform/domain/gdap-grants';
import type { GdapPairSummary, PairSummaryEncoder } from './gdap-pair-summary';
import { rolesOf, type StoredRoles } from './gdap-pair-summary-roles';

/*
 * The pair summary rows versions 2 to 4 of gdap-relationships wrote: an array of tuples
 * (StoredRelationship), each relationship's assignments a nested array of tuples, moments as ISO
 * text (2) or epoch ms (3, 4), role lists as template ids (2, 3) or codes (4). Version 5 reads them
 * (as nodes with Dates) while it builds, and version 4's form is what its `previous` writes.
 */

/** A stored moment: epoch ms, or ISO text in rows version 2 wrote. */
type StoredMoment = number | string;

const dateOf = (value: StoredMoment | null) => (value === null ? null : new Date(value));

const epochMsOf = (value: string | null) => (value === null ? null : Date.parse(value));

type StoredAssignment = [
  assignmentId: string,
  securityGroupId: string,
  status: GdapAssignmentStatus,
  createdAt: StoredMoment,
  roles: StoredRoles,
];

export type StoredRelationship = [
  relationshipId: string,
  partnerName: string,
  displayName: string,
  duration: string,
  autoExtendDuration: string,
  status: GdapRelationshipStatus,
  approvalUrl: string | null,
  emailDraft: { subject: string; body: string } | null,
  approvalExpiresAt: StoredMoment | null,
  activatedAt: StoredMoment | null,
  endDateTime: string | null,
  createdAt: StoredMoment,
  changedAt: StoredMoment,
  roles: StoredRoles,
  assignments: StoredAssignment[],
  /** The end again, as epoch ms (v4 on): a Date from it is cheaper than from the text. */
  endMs?: number | null,
];

/**
 * A summary row's text as versions 3 and 4 wrote it (tuples, moments in epoch ms), each role list
 * as `roleForm` stores it and, in version 4 (`endInMs`), the end again in epoch ms.
 */
export function pairSummaryEncoder(
  roleForm: (roles: readonly DirectoryRole[]) => StoredRoles,
  endInMs: boolean,
): PairSummaryEncoder {
  return (views) =>
    JSON.stringify(
      views.map((view) => {
        const stored: StoredRelationship = [
          view.relationshipId,
          view.partnerName,
          view.displayName,
          view.duration,
          view.autoExtendDuration,
          view.status,
          view.approvalUrl,
          view.emailDraft,
          epochMsOf(view.approvalExpiresAt),
          epochMsOf(view.activatedAt),
          view.endDateTime,
          Date.parse(view.createdAt),
          Date.parse(view.changedAt),
          roleForm(view.roles),
          view.assignments.map((assignment): StoredAssignment => [
            assignment.assignmentId,
            assignment.securityGroupId,
            assignment.status,
            Date.parse(assignment.createdAt),
            roleForm(assignment.roles),
          ]),
        ];
        if (endInMs) stored.push(epochMsOf(view.endDateTime));
        return stored;
      }),
    );
}

/** A row versions 2 to 4 wrote (StoredRelationship tuples), into the same nodes, moments as Dates. */
export function decodeNested(
  partnerTenantId: string,
  customerTenantId: string,
  stored: StoredRelationship[],
): GdapPairSummary {
  const grants: GdapGrant[] = [];
  let grantsHoldUntil = Infinity;
  const relationships = stored.map(
    ([
      id,
      partnerName,
      displayName,
      duration,
      autoExtendDuration,
      status,
      approvalUrl,
      emailDraft,
      approvalExpiresAt,
      activatedAt,
      endDateTime,
      createdAt,
      changedAt,
      roles,
      assignments,
      endMs,
    ]): DelegatedAdminRelationship => {
      const end = endDateTime === null ? null : new Date(endMs ?? endDateTime);
      // R67 as grantsOfRelationship says it, in the same pass that builds the nodes.
      const granting = GRANTING.includes(status) && end !== null;
      return {
        id,
        displayName,
        duration,
        partnerTenantId,
        partnerName,
        customerTenantId,
        customerDisplayName: null,
        roles: rolesOf(roles),
        autoExtendDuration,
        status: status as DelegatedAdminRelationshipStatus,
        approvalUrl,
        emailDraft,
        approvalExpiresDateTime: dateOf(approvalExpiresAt),
        activatedDateTime: dateOf(activatedAt),
        endDateTime: end,
        createdDateTime: new Date(createdAt),
        lastModifiedDateTime: new Date(changedAt),
        accessAssignments: assignments.map(
          ([assignmentId, securityGroupId, assignmentStatus, assignedAt, assigned]) => {
            const assignment: DelegatedAdminAccessAssignment = {
              id: assignmentId,
              relationshipId: id,
              securityGroupId,
              roles: rolesOf(assigned),
              status: assignmentStatus as DelegatedAdminAccessAssignmentStatus,
              createdDateTime: new Date(assignedAt),
              // Versions 2 to 4 kept no change time of an assignment.
              lastModifiedDateTime: new Date(assignedAt),
            };
            if (granting && assignmentGrants(assignment)) {
              grantsHoldUntil = Math.min(grantsHoldUntil, end.getTime());
              grants.push({
                relationshipId: id,
                relationshipName: displayName,
                assignmentId,
                securityGroupId,
                roles: assignment.roles,
                endDateTime: endDateTime as string,
              });
            }
            return assignment;
          },
        ),
      };
    },
  );
  return { relationships, grants, grantsHoldUntil };
}
