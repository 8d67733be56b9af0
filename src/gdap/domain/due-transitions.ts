import { AUTO_EXTEND_NONE, addDays, addDuration } from './durations';
import { happenedAt } from '../../platform/domain/event-time';
import type { GdapEvent } from './events';
import {
  evolveGdap,
  type GdapRelationship,
  type GdapState,
  namedRelationships,
  pairOf,
} from './gdap-state';

/** R62: an approval request lapses after 90 days. R63: "expiring" is the last 30 days. */
export const APPROVAL_VALID_DAYS = 90;
export const EXPIRING_WITHIN_DAYS = 30;
/** Bounds one decision when the product was down for years (each pass moves time forward). */
const MAX_PASSES = 64;

/** When `relationship` next changes on its own; the epoch for "now"; null for never. */
function dueAt(relationship: GdapRelationship): Date | null {
  const assignmentsDue = Object.values(relationship.assignments).some(
    (assignment) =>
      assignment.status === 'deleting' ||
      (assignment.status === 'pending' && relationship.status === 'active') ||
      (assignment.status === 'pending' && relationship.status === 'expiring'),
  );
  if (assignmentsDue || relationship.status === 'terminationRequested') return new Date(0);
  switch (relationship.status) {
    case 'approvalPending':
      return new Date(relationship.approvalExpiresAt as string);
    case 'active':
      return addDays(new Date(relationship.endDateTime as string), -EXPIRING_WITHIN_DAYS);
    case 'expiring':
      return new Date(relationship.endDateTime as string);
    default:
      return null;
  }
}

/** R69: the earliest time anything in `state` is due, for the scheduler to wake at; null: none. */
export function nextDueAt(state: GdapState): Date | null {
  let earliest: Date | null = null;
  for (const relationship of state.relationships.values()) {
    const due = dueAt(relationship);
    if (due && (!earliest || due < earliest)) earliest = due;
  }
  return earliest;
}

/** One step of each relationship due at `now`. */
function step(relationship: GdapRelationship, now: Date): GdapEvent[] {
  const ids = pairOf(relationship);
  const events: GdapEvent[] = [];
  const granting = relationship.status === 'active' || relationship.status === 'expiring';
  for (const assignment of Object.values(relationship.assignments)) {
    const { assignmentId } = assignment;
    if (assignment.status === 'deleting') {
      events.push({
        type: 'DelegatedAdminAccessAssignmentDeleted',
        data: { ...ids, assignmentId },
      });
    } else if (assignment.status === 'pending' && granting) {
      events.push({
        type: 'DelegatedAdminAccessAssignmentActivated',
        data: { ...ids, assignmentId },
      });
    }
  }
  if (relationship.status === 'terminationRequested') {
    return [...events, { type: 'DelegatedAdminRelationshipTerminated', data: ids }];
  }
  const due = dueAt(relationship);
  if (!due || due > now || events.length > 0) return events;
  const endDateTime = relationship.endDateTime as string;
  switch (relationship.status) {
    case 'approvalPending':
      return [{ type: 'DelegatedAdminRelationshipApprovalExpired', data: ids }];
    case 'active':
      return [{ type: 'DelegatedAdminRelationshipExpiring', data: { ...ids, endDateTime } }];
    case 'expiring':
      return relationship.autoExtendDuration === AUTO_EXTEND_NONE
        ? [{ type: 'DelegatedAdminRelationshipExpired', data: { ...ids, endDateTime } }]
        : [
            {
              type: 'DelegatedAdminRelationshipAutoExtended',
              data: {
                ...ids,
                previousEndDateTime: endDateTime,
                endDateTime: addDuration(
                  new Date(endDateTime),
                  relationship.autoExtendDuration,
                ).toISOString(),
              },
            },
          ];
    default:
      return [];
  }
}

/** A relationship's own steps, each with the moment it was due (null: as soon as possible). */
interface TimedStep {
  event: GdapEvent;
  dueAt: Date | null;
}

/**
 * The steps `relationship` takes by `now`, in its own order. A transition time decides is due at
 * its moment, and a step it makes due at once (an assignment it lets activate) at the same moment;
 * what was asked for before it (a termination, an assignment) as soon as possible.
 */
function stepsOf(state: GdapState, relationshipId: string, now: Date): TimedStep[] {
  const steps: TimedStep[] = [];
  let current = state;
  let clock: Date | null = null;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const relationship = current.relationships.get(relationshipId)!;
    const events = step(relationship, now);
    if (events.length === 0) break;
    const due = dueAt(relationship);
    if (due && due.getTime() > 0) clock = due;
    steps.push(...events.map((event) => ({ event, dueAt: clock })));
    current = events.reduce(evolveGdap, current);
  }
  return steps;
}

/**
 * R62, R63, R66, R69: every transition due by `now`, decided from the time passed in and the
 * stream alone: recorded once (the append's expected revision), so a scheduler that crashed and
 * runs again finds nothing left to do, or exactly what is left. In the order they were due, across
 * relationships, each stamped with its due moment (happenedAt): caught up after the product was
 * down, a relationship expired in April reads so as of May, not as of the restart in November.
 */
export function dueTransitions(state: GdapState, now: Date): GdapEvent[] {
  const steps = namedRelationships(state).flatMap((relationship) =>
    stepsOf(state, relationship.relationshipId, now),
  );
  // Stable: a relationship's own steps keep their order (their moments never go back).
  const order = (step: TimedStep) => step.dueAt?.getTime() ?? Number.MIN_SAFE_INTEGER;
  steps.sort((a, b) => order(a) - order(b));
  return steps.map(({ event, dueAt }) => (dueAt ? happenedAt(event, dueAt) : event));
}
