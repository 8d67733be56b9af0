import type { GdapAssignmentStatus, GdapRelationshipStatus } from '../../src/gdap/domain/events';
import {
  DIRECTORY_ROLES,
  type DirectoryRole,
  directoryRoleById,
} from '../../src/gdap/domain/role-catalogue';
import { GRANTING } from '../../src/gdap/domain/gdap-state';
import { relationshipNode } from '../../src/gdap/gdap.mapper';
import type {
  DelegatedAdminAccessAssignment,
  DelegatedAdminAccessAssignmentStatus,
  DelegatedAdminRelationship,
  DelegatedAdminRelationshipStatus,
} from '../../src/gdap/gdap.types';
import { type GdapGrant, grantsInForce } from '../../src/platform/domain/gdap-grants';
import { type GdapRelationshipView, grantsOfViews } from './gdap-relationships.queries';

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

const holdUntil = (grants: readonly GdapGrant[]) =>
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

/** A stored moment: epoch ms, or ISO text in rows version 2 wrote (read while 3 builds). */
type StoredMoment = number | string;

const dateOf = (value: StoredMoment | null) => (value === null ? null : new Date(value));

const epochMsOf = (value: string | null) => (value === null ? null : Date.parse(value));

/*
 * How a summary row stores the pair's relationships (gdap-relationships v4): each a
 * tuple in the order below (no field names, and no tenant ids: the row's key has them), its roles
 * as one number of role codes (ROLE_CODES) where the catalogue names them the same, else the roles
 * themselves, and its moments as epoch milliseconds (a Date from a number is several times cheaper
 * than from text, and every node has six), the end both as the events give it (the grants carry
 * it as text) and in ms, last. Every page reads 50 of these rows and builds the nodes from them.
 * Version 3 wrote the roles as their template ids joined by spaces (110 characters for three
 * roles, half the row) and no end in ms, version 2 the moments as ISO text: both are still read.
 */
type StoredRoles = number | string | DirectoryRole[];

/**
 * The catalogue's roles in the order their stored codes name them (code = position + 1). Stored
 * rows hold these codes: append only, never reorder.
 */
const ROLE_CODES: readonly string[] = [
  DIRECTORY_ROLES.GLOBAL_ADMINISTRATOR,
  DIRECTORY_ROLES.HELPDESK_ADMINISTRATOR,
  DIRECTORY_ROLES.USER_ADMINISTRATOR,
  DIRECTORY_ROLES.EXCHANGE_ADMINISTRATOR,
  DIRECTORY_ROLES.SHAREPOINT_ADMINISTRATOR,
  DIRECTORY_ROLES.TEAMS_ADMINISTRATOR,
  DIRECTORY_ROLES.INTUNE_ADMINISTRATOR,
  DIRECTORY_ROLES.SECURITY_READER,
  DIRECTORY_ROLES.DIRECTORY_READERS,
  DIRECTORY_ROLES.PRIVILEGED_ROLE_ADMINISTRATOR,
].map((role) => role.roleTemplateId);

/** A role list as one number: each role's code a base-32 digit, the first role the lowest. */
const CODE_BASE = 32;
/** 32^10 < 2^53: ten codes fit a number exactly; a longer list is stored as its roles. */
const MAX_CODED_ROLES = 10;

type StoredAssignment = [
  assignmentId: string,
  securityGroupId: string,
  status: GdapAssignmentStatus,
  createdAt: StoredMoment,
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

const codeOf = (role: DirectoryRole): number => {
  const code = ROLE_CODES.indexOf(role.roleTemplateId) + 1;
  return code > 0 && directoryRoleById(role.roleTemplateId)?.displayName === role.displayName
    ? code
    : 0;
};

function storedRoles(roles: readonly DirectoryRole[]): StoredRoles {
  if (roles.length > MAX_CODED_ROLES) return [...roles];
  let stored = 0;
  for (let index = roles.length - 1; index >= 0; index--) {
    const code = codeOf(roles[index]);
    if (code === 0) return [...roles];
    stored = stored * CODE_BASE + code;
  }
  return stored;
}

/**
 * Stored role lists seen, as lists of the catalogue's roles, shared by every node that holds the
 * same list (frozen: nothing that serves them may change them); bounded.
 */
const CATALOGUE_LISTS = new Map<number | string, DirectoryRole[]>();

function rolesOfCodes(stored: number): DirectoryRole[] {
  const roles: DirectoryRole[] = [];
  for (let rest = stored; rest > 0; rest = Math.floor(rest / CODE_BASE)) {
    roles.push(directoryRoleById(ROLE_CODES[(rest % CODE_BASE) - 1])!);
  }
  return roles;
}

/** Version 3's form: template ids joined by spaces. */
const rolesOfIds = (stored: string): DirectoryRole[] =>
  stored === '' ? [] : stored.split(' ').map((id) => directoryRoleById(id)!);

function rolesOf(stored: StoredRoles): DirectoryRole[] {
  if (typeof stored === 'object') return stored;
  let roles = CATALOGUE_LISTS.get(stored);
  if (!roles) {
    roles = Object.freeze(
      typeof stored === 'number' ? rolesOfCodes(stored) : rolesOfIds(stored),
    ) as DirectoryRole[];
    if (CATALOGUE_LISTS.size < 1024) CATALOGUE_LISTS.set(stored, roles);
  }
  return roles;
}

/** How a version writes a pair's relationships (by display name) into its summary row. */
export type PairSummaryEncoder = (views: readonly GdapRelationshipView[]) => string;

/**
 * A summary row's text for the pair's relationships (by display name), each role list as
 * `roleForm` stores it and, from version 4 on (`endInMs`), the end again in epoch ms.
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

/** The summary row's text as this version writes it: role lists as catalogue codes. */
export const encodePairSummary = pairSummaryEncoder(storedRoles, true);

/**
 * The summary a row of the pair stores, decoded once straight into the GraphQL nodes the page
 * serves (as the partner sees them: relationshipNode's shape), with the grants they hold (R67).
 */
export function decodePairSummary(
  partnerTenantId: string,
  customerTenantId: string,
  text: string,
): GdapPairSummary {
  const grants: GdapGrant[] = [];
  let grantsHoldUntil = Infinity;
  const relationships = (JSON.parse(text) as StoredRelationship[]).map(
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
            };
            if (granting && assignmentStatus === 'active') {
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
