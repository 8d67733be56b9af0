import type { GdapAssignmentStatus, GdapRelationshipStatus } from '../../src/gdap/domain/events';
import { type DirectoryRole, directoryRoleById } from '../../src/gdap/domain/role-catalogue';
import { type GdapGrant, grantsInForce } from '../../src/platform/domain/gdap-grants';
import {
  type GdapAssignmentView,
  type GdapRelationshipView,
  grantsOfViews,
} from './gdap-relationships.queries';

/**
 * What the Customers page shows of one (partner, customer) pair: its GDAP relationships by display
 * name, and the grants they hold (R67) for the services column. gdap-relationships keeps it in one
 * row per pair (gdap_pair_summaries), written when a relationship of the pair changes.
 */
export interface GdapPairSummary {
  relationships: GdapRelationshipView[];
  grants: GdapGrant[];
  /** When the first of `grants` ends (epoch ms; Infinity without grants): until then all hold. */
  grantsHoldUntil: number;
}

export const NO_GDAP: GdapPairSummary = {
  relationships: [],
  grants: [],
  grantsHoldUntil: Infinity,
};

/** The pair's summary from its relationships' views, by display name. */
export function pairSummaryOf(relationships: GdapRelationshipView[]): GdapPairSummary {
  const grants = grantsOfViews(relationships);
  let grantsHoldUntil = Infinity;
  for (const grant of grants) {
    grantsHoldUntil = Math.min(grantsHoldUntil, Date.parse(grant.endDateTime));
  }
  return { relationships, grants, grantsHoldUntil };
}

/**
 * The grants of `summary` in force at `now` (R67): all of them until the first ends, so a page
 * compares one number per row instead of parsing every grant's end.
 */
export const grantsInForceOf = (summary: GdapPairSummary, now: Date): GdapGrant[] =>
  summary.grantsHoldUntil > now.getTime() ? summary.grants : grantsInForce(summary.grants, now);

/*
 * How a summary row stores the pair's relationships: each a tuple in the order below (no field
 * names, and no tenant ids: the row's key has them), its roles as their template ids joined by
 * spaces where the catalogue names them the same, else the roles themselves. Every page reads 50
 * of these rows, so their size is most of what it costs to read them.
 */
type StoredRoles = string | DirectoryRole[];

type StoredAssignment = [
  assignmentId: string,
  securityGroupId: string,
  status: GdapAssignmentStatus,
  createdAt: string,
  roles: StoredRoles,
];

type StoredRelationship = [
  relationshipId: string,
  partnerName: string,
  displayName: string,
  duration: string,
  autoExtendDuration: string,
  status: GdapRelationshipStatus,
  approvalUrl: string | null,
  emailDraft: { subject: string; body: string } | null,
  approvalExpiresAt: string | null,
  activatedAt: string | null,
  endDateTime: string | null,
  createdAt: string,
  changedAt: string,
  roles: StoredRoles,
  assignments: StoredAssignment[],
];

function storedRoles(roles: readonly DirectoryRole[]): StoredRoles {
  const named = roles.every(
    (role) =>
      !role.roleTemplateId.includes(' ') &&
      directoryRoleById(role.roleTemplateId)?.displayName === role.displayName,
  );
  return named ? roles.map((role) => role.roleTemplateId).join(' ') : [...roles];
}

/** Stored role lists seen, as the catalogue's roles (shared, as events share them); bounded. */
const CATALOGUE_LISTS = new Map<string, readonly DirectoryRole[]>();

function rolesOf(stored: StoredRoles): DirectoryRole[] {
  if (typeof stored !== 'string') return stored;
  let roles = CATALOGUE_LISTS.get(stored);
  if (!roles) {
    roles = stored === '' ? [] : stored.split(' ').map((id) => directoryRoleById(id)!);
    if (CATALOGUE_LISTS.size < 1024) CATALOGUE_LISTS.set(stored, roles);
  }
  return roles.slice();
}

/** The summary row's text for the pair's relationships (by display name). */
export function encodePairSummary(views: readonly GdapRelationshipView[]): string {
  return JSON.stringify(
    views.map((view): StoredRelationship => [
      view.relationshipId,
      view.partnerName,
      view.displayName,
      view.duration,
      view.autoExtendDuration,
      view.status,
      view.approvalUrl,
      view.emailDraft,
      view.approvalExpiresAt,
      view.activatedAt,
      view.endDateTime,
      view.createdAt,
      view.changedAt,
      storedRoles(view.roles),
      view.assignments.map((assignment): StoredAssignment => [
        assignment.assignmentId,
        assignment.securityGroupId,
        assignment.status,
        assignment.createdAt,
        storedRoles(assignment.roles),
      ]),
    ]),
  );
}

/** The summary a row of the pair stores, with the grants its relationships hold. */
export function decodePairSummary(
  partnerTenantId: string,
  customerTenantId: string,
  text: string,
): GdapPairSummary {
  const relationships = (JSON.parse(text) as StoredRelationship[]).map(
    ([
      relationshipId,
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
    ]): GdapRelationshipView => ({
      relationshipId,
      partnerTenantId,
      partnerName,
      customerTenantId,
      displayName,
      duration,
      roles: rolesOf(roles),
      autoExtendDuration,
      status,
      approvalUrl,
      emailDraft,
      approvalExpiresAt,
      activatedAt,
      endDateTime,
      createdAt,
      changedAt,
      assignments: assignments.map(
        ([assignmentId, securityGroupId, assignmentStatus, assignedAt, assigned]) =>
          ({
            assignmentId,
            relationshipId,
            securityGroupId,
            roles: rolesOf(assigned),
            status: assignmentStatus,
            createdAt: assignedAt,
          }) satisfies GdapAssignmentView,
      ),
    }),
  );
  return pairSummaryOf(relationships);
}
