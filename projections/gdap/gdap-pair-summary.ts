import type { GdapRelationshipStatus } from '../../src/gdap/domain/events';
import { assignmentGrants, GRANTING } from '../../src/gdap/domain/gdap-state';
import { AUTO_EXTEND_180_DAYS, AUTO_EXTEND_NONE } from '../../src/gdap/domain/durations';
import { BUILT_IN_GROUPS } from '../../src/gdap/domain/security-groups';
import { relationshipNode } from '../../src/gdap/gdap.mapper';
import type { EmailDraft } from '../../src/invitations/invitation.types';
import { isoTextOf } from '../../src/platform/common/date-time';
import type {
  DelegatedAdminAccessAssignment,
  DelegatedAdminAccessAssignmentStatus,
  DelegatedAdminRelationship,
  DelegatedAdminRelationshipStatus,
} from '../../src/gdap/gdap.types';
import { type GdapGrant, grantsInForce } from '../../src/platform/domain/gdap-grants';
import {
  assignmentChangedAt,
  type GdapRelationshipView,
  grantsOfViews,
} from './gdap-relationship-view';
import { rolesOf, storedRoles, type StoredRoles } from './gdap-pair-summary-roles';
import { decodeNested, type StoredRelationship } from './gdap-pair-summary-tuples';

/**
 * What the Customers page shows of one (partner, customer) pair: its GDAP relationships by display
 * name, as the GraphQL nodes the page serves to the partner (gdap.mapper.ts relationshipNode), and
 * the grants they hold (R67) for the services column. gdap-relationships keeps it in one row per
 * pair (gdap_pair_summaries), written when a relationship of the pair changes.
 */
export interface GdapPairSummary {
  relationships: readonly DelegatedAdminRelationship[];
  grants: GdapGrant[];
  /** When the first of `grants` ends (epoch ms; Infinity without grants): until then all hold. */
  grantsHoldUntil: number;
}

export const NO_GDAP: GdapPairSummary = {
  relationships: [],
  grants: [],
  grantsHoldUntil: Infinity,
};

/** When the first of `grants` ends (epoch ms; Infinity without grants): until then all hold. */
export const holdUntil = (grants: readonly GdapGrant[]): number =>
  grants.reduce((until, grant) => Math.min(until, Date.parse(grant.endDateTime)), Infinity);

/** The pair's summary from its relationships' views, by display name (asOf pages build it so). */
export function pairSummaryOf(relationships: readonly GdapRelationshipView[]): GdapPairSummary {
  const grants = grantsOfViews(relationships);
  return {
    relationships: relationships.map(relationshipNode),
    grants,
    grantsHoldUntil: holdUntil(grants),
  };
}

/**
 * The grants of `summary` in force at `now` (R67): all of them until the first ends, so a page
 * compares one number per row instead of parsing every grant's end.
 */
export const grantsInForceOf = (summary: GdapPairSummary, now: Date): GdapGrant[] =>
  summary.grantsHoldUntil > now.getTime() ? summary.grants : grantsInForce(summary.grants, now);

/*
 * How a summary row stores the pair's relationships (gdap-relationships v5): one flat JSON array,
 * each relationship a run of values in FlatRelationship's order followed by its assignments' (in
 * FlatAssignment's order), no tenant ids (the row's key has them), statuses, auto-extend and
 * built-in groups as codes (WELL_KNOWN), role lists as role codes (gdap-pair-summary-roles.ts),
 * and moments as the text `toISOString` writes, which the nodes serve as it is (DateTimeValue):
 * no Date and no nested array per row. Every page reads 50 of these rows and builds its nodes from
 * them. Versions 2 to 4 wrote nested tuples, moments as ISO text (2) or epoch ms (3, 4): v5 reads
 * them too (gdap-pair-summary-tuples.ts, as Dates), since v4 keeps serving while v5 builds.
 */

/**
 * Values many rows hold, stored (version 5 on) as their position here: the statuses Graph names
 * (R61–R66), the auto-extend durations R60 allows, the built-in security groups. Append only, never
 * reorder; a value not listed is stored as itself. A number parses at a fraction of a string's cost.
 */
const WELL_KNOWN: readonly string[] = [
  'created',
  'approvalPending',
  'active',
  'expiring',
  'expired',
  'terminationRequested',
  'terminated',
  'pending',
  'deleting',
  'deleted',
  AUTO_EXTEND_NONE,
  AUTO_EXTEND_180_DAYS,
  ...Object.keys(BUILT_IN_GROUPS),
];
const WELL_KNOWN_CODES = new Map(WELL_KNOWN.map((value, code) => [value, code]));

const storedValue = (value: string): string | number => WELL_KNOWN_CODES.get(value) ?? value;
const valueOf = (stored: unknown) =>
  (typeof stored === 'number' ? WELL_KNOWN[stored] : stored) as string;

/**
 * Version 5 on: a relationship's values in its row, then FlatAssignment.length per assignment.
 * Version 6 adds the last value of each (the customer's display name, the assignment's change
 * time) and marks its row by a leading FLAT_V6; a version 5 row has one value fewer in each.
 */
enum FlatRelationship {
  id,
  partnerName,
  displayName,
  duration,
  autoExtendDuration,
  status,
  approvalUrl,
  emailDraft,
  approvalExpires,
  activated,
  /** The end as toISOString writes it (what the node serves), then in epoch ms. */
  end,
  endMs,
  /** The end as the events gave it, where that is other text (grants carry it): else null. */
  endAsGiven,
  created,
  changed,
  roles,
  assignmentCount,
  customerDisplayName,
  /** How many values a relationship has before its assignments'. */
  length,
}

/** The first value of a version 6 row: a number, where version 5's is an id and 2–4's a tuple. */
const FLAT_V6 = 6;

enum FlatAssignment {
  id,
  securityGroupId,
  status,
  created,
  roles,
  changed,
  length,
}

/** How a version writes a pair's relationships (by display name) into its summary row. */
export type PairSummaryEncoder = (views: readonly GdapRelationshipView[]) => string;

/** The summary row's text as version 6 or 5 writes it: one flat array (FlatRelationship). */
export function encodeFlatPairSummary(
  views: readonly GdapRelationshipView[],
  version: 5 | 6,
): string {
  const v6 = version === 6;
  const stored: unknown[] = v6 ? [FLAT_V6] : [];
  for (const view of views) {
    const end = isoTextOf(view.endDateTime);
    stored.push(
      view.relationshipId,
      view.partnerName,
      view.displayName,
      view.duration,
      storedValue(view.autoExtendDuration),
      storedValue(view.status),
      view.approvalUrl,
      view.emailDraft,
      isoTextOf(view.approvalExpiresAt),
      isoTextOf(view.activatedAt),
      end,
      end === null ? null : Date.parse(end),
      view.endDateTime === end ? null : view.endDateTime,
      isoTextOf(view.createdAt),
      isoTextOf(view.changedAt),
      storedRoles(view.roles),
      view.assignments.length,
    );
    if (v6) stored.push(view.customerDisplayName ?? null);
    for (const assignment of view.assignments) {
      stored.push(
        assignment.assignmentId,
        storedValue(assignment.securityGroupId),
        storedValue(assignment.status),
        isoTextOf(assignment.createdAt),
        storedRoles(assignment.roles),
      );
      if (v6) stored.push(isoTextOf(assignmentChangedAt(assignment)));
    }
  }
  return JSON.stringify(stored);
}

/** The summary row's text as this version (6) writes it. */
export const encodePairSummary: PairSummaryEncoder = (views) => encodeFlatPairSummary(views, 6);

/**
 * A version 5 or 6 row (FlatRelationship) straight into the nodes the page serves, moments as
 * stored text, with the grants they hold (R67, as grantsOfRelationship says it, in the same pass).
 */
function decodeFlat(
  partnerTenantId: string,
  customerTenantId: string,
  stored: unknown[],
): GdapPairSummary {
  const relationships: DelegatedAdminRelationship[] = [];
  const grants: GdapGrant[] = [];
  let grantsHoldUntil = Infinity;
  const v6 = stored[0] === FLAT_V6;
  const relationshipLength = v6 ? FlatRelationship.length : FlatRelationship.customerDisplayName;
  const assignmentLength = v6 ? FlatAssignment.length : FlatAssignment.changed;
  let at = v6 ? 1 : 0;
  while (at < stored.length) {
    const id = stored[at + FlatRelationship.id] as string;
    const displayName = stored[at + FlatRelationship.displayName] as string;
    const status = valueOf(stored[at + FlatRelationship.status]) as GdapRelationshipStatus;
    const end = stored[at + FlatRelationship.end] as string | null;
    const endAsGiven = (stored[at + FlatRelationship.endAsGiven] as string | null) ?? end;
    const granting = GRANTING.includes(status) && endAsGiven !== null;
    const count = stored[at + FlatRelationship.assignmentCount] as number;
    const accessAssignments: DelegatedAdminAccessAssignment[] = [];
    let next = at + relationshipLength;
    for (let index = 0; index < count; index++, next += assignmentLength) {
      const assignmentStatus = valueOf(stored[next + FlatAssignment.status]);
      const assignment: DelegatedAdminAccessAssignment = {
        id: stored[next + FlatAssignment.id] as string,
        relationshipId: id,
        securityGroupId: valueOf(stored[next + FlatAssignment.securityGroupId]),
        roles: rolesOf(stored[next + FlatAssignment.roles] as StoredRoles),
        status: assignmentStatus as DelegatedAdminAccessAssignmentStatus,
        createdDateTime: stored[next + FlatAssignment.created] as string,
        lastModifiedDateTime: stored[
          next + (v6 ? FlatAssignment.changed : FlatAssignment.created)
        ] as string,
      };
      accessAssignments.push(assignment);
      if (granting && assignmentGrants(assignment)) {
        const endMs = stored[at + FlatRelationship.endMs] as number | null;
        grantsHoldUntil = Math.min(grantsHoldUntil, endMs ?? Date.parse(endAsGiven));
        grants.push({
          relationshipId: id,
          relationshipName: displayName,
          assignmentId: assignment.id,
          securityGroupId: assignment.securityGroupId,
          roles: assignment.roles,
          endDateTime: endAsGiven,
        });
      }
    }
    relationships.push({
      id,
      displayName,
      duration: stored[at + FlatRelationship.duration] as string,
      partnerTenantId,
      partnerName: stored[at + FlatRelationship.partnerName] as string,
      customerTenantId,
      customerDisplayName: v6
        ? (stored[at + FlatRelationship.customerDisplayName] as string | null)
        : null,
      roles: rolesOf(stored[at + FlatRelationship.roles] as StoredRoles),
      autoExtendDuration: valueOf(stored[at + FlatRelationship.autoExtendDuration]),
      status: status as DelegatedAdminRelationshipStatus,
      approvalUrl: stored[at + FlatRelationship.approvalUrl] as string | null,
      emailDraft: stored[at + FlatRelationship.emailDraft] as EmailDraft | null,
      approvalExpiresDateTime: stored[at + FlatRelationship.approvalExpires] as string | null,
      activatedDateTime: stored[at + FlatRelationship.activated] as string | null,
      endDateTime: end,
      createdDateTime: stored[at + FlatRelationship.created] as string,
      lastModifiedDateTime: stored[at + FlatRelationship.changed] as string,
      accessAssignments,
    });
    at = next;
  }
  return { relationships, grants, grantsHoldUntil };
}

/**
 * The summary a row of the pair stores, decoded once straight into the GraphQL nodes the page
 * serves (as the partner sees them: relationshipNode's shape), with the grants they hold (R67).
 */
export function decodePairSummary(
  partnerTenantId: string,
  customerTenantId: string,
  text: string,
): GdapPairSummary {
  const stored = JSON.parse(text) as unknown[];
  // Versions 2 to 4 wrote an array of tuples, 5 one flat array that starts with an id, 6 the same
  // after FLAT_V6.
  return Array.isArray(stored[0])
    ? decodeNested(partnerTenantId, customerTenantId, stored as StoredRelationship[])
    : decodeFlat(partnerTenantId, customerTenantId, stored);
}
