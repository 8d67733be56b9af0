import { OrderedMap } from 'immutable';
import { unhandled } from '../../platform/domain/decider';
import type {
  GdapAssignmentStatus,
  GdapEvent,
  GdapRelationshipStatus,
  GdapStreamEvent,
} from './events';
import type { GdapGrant } from './effective-roles';
import type { DirectoryRole } from './role-catalogue';

export interface GdapAssignment {
  assignmentId: string;
  securityGroupId: string;
  roles: readonly DirectoryRole[];
  status: GdapAssignmentStatus;
}

export interface GdapRelationship {
  relationshipId: string;
  partnerTenantId: string;
  partnerName: string;
  customerTenantId: string;
  /** Graph's customer.displayName (R60, R62): absent until the partner or the approval names it. */
  customerDisplayName?: string;
  displayName: string;
  duration: string;
  roles: readonly DirectoryRole[];
  autoExtendDuration: string;
  status: GdapRelationshipStatus;
  approvalExpiresAt: string | null;
  activatedAt: string | null;
  endDateTime: string | null;
  assignments: Readonly<Record<string, GdapAssignment>>;
}

/**
 * One partner's GDAP relationships with every customer (stream `gdap-<partner>`), by id in the
 * order they were created. A persistent map, as the Autopilot registry's: each event changes one
 * path of it instead of copying every relationship, so a fold stays linear in the partner's events
 * (a copied record made it quadratic: 1.9 s for 2,000 relationships, 17 s for 5,000), and states
 * stay immutable for the AggregateStore's cache.
 */
export interface GdapState {
  relationships: OrderedMap<string, GdapRelationship>;
  /** R70: customers whose request to end all access is ending GDAP now (GdapRevocationEvent). */
  revocationsUnderway: ReadonlySet<string>;
}

export const initialGdapState: GdapState = {
  relationships: OrderedMap(),
  revocationsUnderway: new Set(),
};

/** Statuses in which a relationship's active assignments grant their roles (R67). */
export const GRANTING: readonly GdapRelationshipStatus[] = ['active', 'expiring'];

/**
 * R63, R67: a relationship in force at `now`: approved, not ended, and before its end date whether
 * or not its expiry (or auto-extension) is recorded yet. Past it, nothing changes it but that record.
 */
export const inForce = (
  relationship: Pick<GdapRelationship, 'status' | 'endDateTime'>,
  now: Date,
): boolean =>
  GRANTING.includes(relationship.status) &&
  relationship.endDateTime !== null &&
  new Date(relationship.endDateTime) > now;

/** R15, R67: whether the partner has a relationship in force with the customer at `now`. */
export const inForceWith = (state: GdapState, customerTenantId: string, now: Date): boolean =>
  namedRelationships(state).some(
    (relationship) =>
      relationship.customerTenantId === customerTenantId && inForce(relationship, now),
  );

/** Why a relationship that is not in force refuses a change: its status, or its end passed. */
export const notInForceBecause = (relationship: Pick<GdapRelationship, 'status'>): string =>
  GRANTING.includes(relationship.status)
    ? 'past its end; its expiry or extension is being recorded'
    : relationship.status;

/** A relationship no longer counts toward name uniqueness once deleted (R60). */
export const namedRelationships = (state: GdapState): GdapRelationship[] => [
  ...state.relationships.values(),
];

/**
 * R66, R67: whether an assignment of a granting relationship grants its roles: while active, and
 * holding one or more (recorded before R65's removal of Global Administrator deleted the
 * assignments it emptied, some hold none).
 */
export const assignmentGrants = (assignment: {
  status: string;
  roles: readonly unknown[];
}): boolean => assignment.status === 'active' && assignment.roles.length > 0;

/**
 * R67: what one relationship grants: its active assignments while it is active or expiring, each
 * until its end (the domain's state and the read models' views both have this shape).
 */
export function grantsOfRelationship(
  relationship: Pick<GdapRelationship, 'relationshipId' | 'displayName' | 'status' | 'endDateTime'>,
  assignments: readonly GdapAssignment[],
): GdapGrant[] {
  const { endDateTime } = relationship;
  if (!GRANTING.includes(relationship.status) || !endDateTime) return [];
  return assignments.filter(assignmentGrants).map((assignment) => ({
    relationshipId: relationship.relationshipId,
    relationshipName: relationship.displayName,
    assignmentId: assignment.assignmentId,
    securityGroupId: assignment.securityGroupId,
    roles: assignment.roles,
    endDateTime,
  }));
}

/** R67: the active assignments of the partner's granting relationships with one customer. */
export function grantsFor(state: GdapState, customerTenantId: string): GdapGrant[] {
  return namedRelationships(state)
    .filter((relationship) => relationship.customerTenantId === customerTenantId)
    .flatMap((relationship) =>
      grantsOfRelationship(relationship, Object.values(relationship.assignments)),
    );
}

const withRelationship = (
  state: GdapState,
  relationshipId: string,
  change: (relationship: GdapRelationship) => GdapRelationship,
): GdapState => {
  const current = state.relationships.get(relationshipId);
  if (!current) return state;
  return { ...state, relationships: state.relationships.set(relationshipId, change(current)) };
};

const withAssignment = (
  state: GdapState,
  relationshipId: string,
  assignmentId: string,
  change: Partial<Pick<GdapAssignment, 'status' | 'roles'>>,
): GdapState =>
  withRelationship(state, relationshipId, (relationship) => {
    const assignment = relationship.assignments[assignmentId];
    if (!assignment) return relationship;
    return {
      ...relationship,
      assignments: { ...relationship.assignments, [assignmentId]: { ...assignment, ...change } },
    };
  });

/** The ids every event of `relationship` carries. */
export const pairOf = (
  relationship: Pick<GdapRelationship, 'relationshipId' | 'partnerTenantId' | 'customerTenantId'>,
) => ({
  relationshipId: relationship.relationshipId,
  partnerTenantId: relationship.partnerTenantId,
  customerTenantId: relationship.customerTenantId,
});

/** R66: an assignment asked to be deleted; the scheduler then records it deleted. */
export const assignmentDeletionRequested = (
  relationship: GdapRelationship,
  assignmentId: string,
): GdapEvent => ({
  type: 'DelegatedAdminAccessAssignmentDeletionRequested',
  data: { ...pairOf(relationship), assignmentId },
});

/** Assignments end with their relationship (R64, R63). */
const endAssignments = (relationship: GdapRelationship): GdapRelationship['assignments'] =>
  Object.fromEntries(
    Object.entries(relationship.assignments).map(([id, assignment]) => [
      id,
      { ...assignment, status: 'deleted' as const },
    ]),
  );

/** R60–R62: the customer's name where an event gives one; absent, the name stays as it was. */
export const customerNamed = (data: { customerDisplayName?: string }) =>
  data.customerDisplayName === undefined ? {} : { customerDisplayName: data.customerDisplayName };

/**
 * R60: a relationship as it is created, as the domain's state and the read models' views both
 * begin it; `beforeMoments` is what a view adds before the approval and activity moments (its
 * stored JSON keeps that order), and each adds its own assignments after.
 */
export const createdRelationship = <Extra extends object>(
  data: Extract<GdapEvent, { type: 'DelegatedAdminRelationshipCreated' }>['data'],
  beforeMoments: Extra,
) => ({
  relationshipId: data.relationshipId,
  partnerTenantId: data.partnerTenantId,
  partnerName: data.partnerName,
  customerTenantId: data.customerTenantId,
  ...customerNamed(data),
  displayName: data.displayName,
  duration: data.duration,
  roles: data.roles,
  autoExtendDuration: data.autoExtendDuration,
  status: 'created' as const,
  ...beforeMoments,
  approvalExpiresAt: null,
  activatedAt: null,
  endDateTime: null,
});

export function evolveGdap(state: GdapState, event: GdapStreamEvent): GdapState {
  switch (event.type) {
    case 'GdapRevocationStarted':
      return {
        ...state,
        revocationsUnderway: new Set([...state.revocationsUnderway, event.data.customerTenantId]),
      };
    case 'GdapRevocationFinished':
      return {
        ...state,
        revocationsUnderway: new Set(
          [...state.revocationsUnderway].filter((id) => id !== event.data.customerTenantId),
        ),
      };
    default:
      return evolveRelationships(state, event);
  }
}

function evolveRelationships(state: GdapState, event: GdapEvent): GdapState {
  const { relationshipId } = event.data;
  switch (event.type) {
    case 'DelegatedAdminRelationshipCreated': {
      const { data } = event;
      return {
        ...state,
        relationships: state.relationships.set(relationshipId, {
          ...createdRelationship(data, {}),
          assignments: {},
        }),
      };
    }
    case 'DelegatedAdminRelationshipUpdated': {
      const { displayName, duration, roles, autoExtendDuration } = event.data;
      const kept = new Set(roles.map((role) => role.roleTemplateId));
      return withRelationship(state, relationshipId, (relationship) => ({
        ...relationship,
        ...customerNamed(event.data),
        displayName,
        duration,
        roles,
        autoExtendDuration,
        // R65: a role removed from the relationship leaves every assignment holding it.
        assignments: Object.fromEntries(
          Object.entries(relationship.assignments).map(([id, assignment]) => [
            id,
            {
              ...assignment,
              roles: assignment.roles.filter((role) => kept.has(role.roleTemplateId)),
            },
          ]),
        ),
      }));
    }
    case 'DelegatedAdminRelationshipDeleted':
      return { ...state, relationships: state.relationships.delete(relationshipId) };
    case 'DelegatedAdminRelationshipApprovalRequested':
      return withRelationship(state, relationshipId, (relationship) => ({
        ...relationship,
        status: 'approvalPending',
        approvalExpiresAt: event.data.expiresAt,
      }));
    case 'DelegatedAdminRelationshipApproved':
      return withRelationship(state, relationshipId, (relationship) => ({
        ...relationship,
        ...customerNamed(event.data),
        status: 'active',
        activatedAt: event.data.activatedAt,
        endDateTime: event.data.endDateTime,
      }));
    case 'DelegatedAdminRelationshipApprovalExpired':
      return withRelationship(state, relationshipId, (relationship) => ({
        ...relationship,
        status: 'expired',
      }));
    case 'DelegatedAdminRelationshipExpiring':
      return withRelationship(state, relationshipId, (relationship) => ({
        ...relationship,
        status: 'expiring',
      }));
    case 'DelegatedAdminRelationshipAutoExtended':
      return withRelationship(state, relationshipId, (relationship) => ({
        ...relationship,
        status: 'active',
        endDateTime: event.data.endDateTime,
      }));
    case 'DelegatedAdminRelationshipExpired':
      return withRelationship(state, relationshipId, (relationship) => ({
        ...relationship,
        status: 'expired',
        assignments: endAssignments(relationship),
      }));
    case 'DelegatedAdminRelationshipTerminationRequested':
      return withRelationship(state, relationshipId, (relationship) => ({
        ...relationship,
        status: 'terminationRequested',
      }));
    case 'DelegatedAdminRelationshipTerminated':
      return withRelationship(state, relationshipId, (relationship) => ({
        ...relationship,
        status: 'terminated',
        assignments: endAssignments(relationship),
      }));
    case 'DelegatedAdminAccessAssignmentCreated':
      return withRelationship(state, relationshipId, (relationship) => ({
        ...relationship,
        assignments: {
          ...relationship.assignments,
          [event.data.assignmentId]: {
            assignmentId: event.data.assignmentId,
            securityGroupId: event.data.securityGroupId,
            roles: event.data.roles,
            status: 'pending',
          },
        },
      }));
    case 'DelegatedAdminAccessAssignmentUpdated':
      return withAssignment(state, relationshipId, event.data.assignmentId, {
        roles: event.data.roles,
      });
    case 'DelegatedAdminAccessAssignmentActivated':
      return withAssignment(state, relationshipId, event.data.assignmentId, { status: 'active' });
    case 'DelegatedAdminAccessAssignmentDeletionRequested':
      return withAssignment(state, relationshipId, event.data.assignmentId, { status: 'deleting' });
    case 'DelegatedAdminAccessAssignmentDeleted':
      return withAssignment(state, relationshipId, event.data.assignmentId, { status: 'deleted' });
    default:
      return unhandled(state, event);
  }
}
