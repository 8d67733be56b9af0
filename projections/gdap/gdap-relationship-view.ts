import type { GdapGrant } from '../../src/gdap/domain/effective-roles';
import type {
  GdapAssignmentStatus,
  GdapEventType,
  GdapRelationshipStatus,
} from '../../src/gdap/domain/events';
import {
  createdRelationship,
  customerNamed,
  grantsOfRelationship,
} from '../../src/gdap/domain/gdap-state';
import type { DirectoryRole } from '../../src/gdap/domain/role-catalogue';
import type {
  HandlerOf,
  ProjectionHandlers,
  RecordedOf,
  SqlRunner,
} from '../../src/platform/projection-engine/projection';

/**
 * One `evolve` for the GDAP relationship view's shape (R60–R66), as the pages show it:
 * gdap-relationships keeps the latest view of each relationship, gdap-relationships-history every
 * version of it (asOf, R43); both are written from these functions only.
 */

export interface GdapAssignmentView {
  assignmentId: string;
  relationshipId: string;
  securityGroupId: string;
  roles: DirectoryRole[];
  status: GdapAssignmentStatus;
  createdAt: string;
  /** When its status last changed (Graph's lastModifiedDateTime); views stored before 2026-12-02 lack it. */
  changedAt?: string;
}

/** When an assignment's status last changed: a view stored without it serves its creation. */
export const assignmentChangedAt = (assignment: GdapAssignmentView): string =>
  assignment.changedAt ?? assignment.createdAt;

export interface GdapRelationshipView {
  relationshipId: string;
  partnerTenantId: string;
  partnerName: string;
  customerTenantId: string;
  /**
   * Graph's customer.displayName: as the partner gave it (R60), then as the approving admin's
   * tenant names itself (R62); null when neither said it (views stored before 2026-12-02 lack it).
   */
  customerDisplayName?: string | null;
  displayName: string;
  duration: string;
  roles: DirectoryRole[];
  autoExtendDuration: string;
  status: GdapRelationshipStatus;
  approvalUrl: string | null;
  emailDraft: { subject: string; body: string } | null;
  approvalExpiresAt: string | null;
  activatedAt: string | null;
  endDateTime: string | null;
  createdAt: string;
  changedAt: string;
  assignments: GdapAssignmentView[];
}

/** R67: the active assignments of granting relationships among `views`, as grants. */
export const grantsOfViews = (views: readonly GdapRelationshipView[]): GdapGrant[] =>
  views.flatMap((view) => grantsOfRelationship(view, view.assignments));

type View = GdapRelationshipView | null;

/** The relationship's view after one event of `Type`; null while there is none (or deleted). */
type Evolve<Type extends GdapEventType> = (view: View, event: RecordedOf<Type>) => View;

/**
 * How many deleted access assignments a view keeps, the most recently created (R66). The domain
 * bounds those held at once (ASSIGNMENTS_HELD_AT_MOST), but each deletion and new assignment adds
 * a deleted one, and gdap-relationships-history keeps every version of the view: unkept, a partner
 * cycling assignments would grow each version, and the pages, without end. Every one stays in the
 * audit log and the stream's history.
 */
export const DELETED_ASSIGNMENTS_KEPT = 20;

function keepingLatestDeleted(assignments: GdapAssignmentView[]): GdapAssignmentView[] {
  const deleted = assignments.filter((assignment) => assignment.status === 'deleted').length;
  let dropped = deleted - DELETED_ASSIGNMENTS_KEPT;
  if (dropped <= 0) return assignments;
  return assignments.filter((assignment) => assignment.status !== 'deleted' || dropped-- <= 0);
}

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
    ? keepingLatestDeleted(
        view.assignments.map((assignment) =>
          assignment.status === 'deleted'
            ? assignment
            : { ...assignment, status: 'deleted', changedAt: at },
        ),
      )
    : view.assignments,
});

const withAssignment = (
  view: GdapRelationshipView,
  assignmentId: string,
  change: Partial<Pick<GdapAssignmentView, 'status' | 'roles'>>,
  at: string,
): GdapRelationshipView => {
  const assignments = view.assignments.map((assignment) =>
    assignment.assignmentId === assignmentId
      ? { ...assignment, ...change, changedAt: at }
      : assignment,
  );
  return {
    ...view,
    assignments: change.status === 'deleted' ? keepingLatestDeleted(assignments) : assignments,
  };
};

/** A status change that carries nothing else. */
const toStatus =
  (status: GdapRelationshipView['status'], assignmentsEnd = false) =>
  (view: View, event: { metadata: { occurredAt: string } }): View =>
    view && withStatus(view, status, event.metadata.occurredAt, assignmentsEnd);

const toAssignmentStatus =
  (status: GdapAssignmentStatus) =>
  (view: View, event: { data: { assignmentId: string }; metadata: { occurredAt: string } }): View =>
    view && withAssignment(view, event.data.assignmentId, { status }, event.metadata.occurredAt);

/**
 * What each GDAP event does to its relationship's view, typed by the event: adding, renaming or
 * removing a GDAP event type is a type error here.
 */
const EVOLVE: { [Type in GdapEventType]: Evolve<Type> } = {
  DelegatedAdminRelationshipCreated: (view, { data, metadata }) =>
    view ?? {
      ...createdRelationship(data, { approvalUrl: null, emailDraft: null }),
      createdAt: metadata.occurredAt,
      changedAt: metadata.occurredAt,
      assignments: [],
    },
  DelegatedAdminRelationshipUpdated: (view, { data, metadata }) => {
    if (!view) return null;
    // R65: an assignment keeps only the relationship's roles; one that loses a role changed then.
    const kept = new Set(data.roles.map((role) => role.roleTemplateId));
    return {
      ...view,
      ...customerNamed(data),
      displayName: data.displayName,
      duration: data.duration,
      roles: data.roles,
      autoExtendDuration: data.autoExtendDuration,
      changedAt: metadata.occurredAt,
      assignments: view.assignments.map((assignment) => {
        const roles = assignment.roles.filter((role) => kept.has(role.roleTemplateId));
        return roles.length === assignment.roles.length
          ? assignment
          : { ...assignment, roles, changedAt: metadata.occurredAt };
      }),
    };
  },
  DelegatedAdminRelationshipDeleted: () => null,
  DelegatedAdminRelationshipApprovalRequested: (view, { data, metadata }) =>
    view && {
      ...view,
      status: 'approvalPending',
      approvalUrl: data.approvalUrl,
      emailDraft: data.emailDraft,
      approvalExpiresAt: data.expiresAt,
      changedAt: metadata.occurredAt,
    },
  DelegatedAdminRelationshipApproved: (view, { data, metadata }) =>
    view && {
      ...view,
      status: 'active',
      ...customerNamed(data),
      activatedAt: data.activatedAt,
      endDateTime: data.endDateTime,
      changedAt: metadata.occurredAt,
    },
  DelegatedAdminRelationshipApprovalExpired: toStatus('expired'),
  DelegatedAdminRelationshipExpiring: toStatus('expiring'),
  DelegatedAdminRelationshipExpired: toStatus('expired', true),
  DelegatedAdminRelationshipAutoExtended: (view, { data, metadata }) =>
    view && {
      ...view,
      status: 'active',
      endDateTime: data.endDateTime,
      changedAt: metadata.occurredAt,
    },
  DelegatedAdminRelationshipTerminationRequested: toStatus('terminationRequested'),
  DelegatedAdminRelationshipTerminated: toStatus('terminated', true),
  DelegatedAdminAccessAssignmentCreated: (view, { data, metadata }) => {
    if (!view || view.assignments.some((a) => a.assignmentId === data.assignmentId)) return view;
    const assignment: GdapAssignmentView = {
      assignmentId: data.assignmentId,
      relationshipId: data.relationshipId,
      securityGroupId: data.securityGroupId,
      roles: data.roles,
      status: 'pending',
      createdAt: metadata.occurredAt,
      changedAt: metadata.occurredAt,
    };
    return { ...view, assignments: [...view.assignments, assignment] };
  },
  DelegatedAdminAccessAssignmentUpdated: (view, { data, metadata }) =>
    view && withAssignment(view, data.assignmentId, { roles: data.roles }, metadata.occurredAt),
  DelegatedAdminAccessAssignmentActivated: toAssignmentStatus('active'),
  DelegatedAdminAccessAssignmentDeletionRequested: toAssignmentStatus('deleting'),
  DelegatedAdminAccessAssignmentDeleted: toAssignmentStatus('deleted'),
};

/** The relationship's view after `event` (null once deleted). */
export function evolveRelationshipView<Type extends GdapEventType>(
  view: View,
  type: Type,
  event: RecordedOf<Type>,
): View {
  const evolve: Evolve<Type> = EVOLVE[type];
  return evolve(view, event);
}

/** The relationship an event concerns, where it is recorded and when. */
export interface ViewEvent {
  position: number;
  data: { relationshipId: string; partnerTenantId: string; customerTenantId: string };
  metadata: { occurredAt: string };
}

/**
 * Writes one event's change of a relationship's view: `next` turns the view as stored into the
 * new one.
 */
export type ViewWriter = (event: ViewEvent, next: (view: View) => View, db: SqlRunner) => void;

const handlerOf =
  <Type extends GdapEventType>(type: Type, write: ViewWriter): HandlerOf<Type> =>
  (event, db) =>
    write(event, (view) => evolveRelationshipView(view, type, event), db);

/** A projection's handlers for every GDAP event, each writing the view through `write`. */
export function relationshipViewHandlers(write: ViewWriter): ProjectionHandlers {
  const types = Object.keys(EVOLVE) as GdapEventType[];
  return Object.fromEntries(types.map((type) => [type, handlerOf(type, write)]));
}
