import {
  DELETED_ASSIGNMENTS_KEPT,
  evolveRelationshipView,
} from '../../../projections/gdap/gdap-relationship-view';
import type { GdapRelationshipView } from '../../../projections/gdap/gdap-relationship-view';
import type { GdapEventType } from '../../../src/gdap/domain/events';
import { DIRECTORY_ROLES } from '../../../src/gdap/domain/role-catalogue';
import type { RecordedOf } from '../../../src/platform/projection-engine/projection';
import { GDAP_APPROVED, GDAP_PAIR as pair, gdapCreated } from '../../support/gdap-spec-events';
import { at, record, type SpecEvent } from '../../support/projection-spec';

const roles = [DIRECTORY_ROLES.USER_ADMINISTRATOR];
const assignmentId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Assigned to `group-<n>`, and, unless `kept`, deleted again (R66). */
function cycle(n: number, kept = false): SpecEvent[] {
  const assignment = { ...pair, assignmentId: assignmentId(n) };
  const assigned: SpecEvent = {
    type: 'DelegatedAdminAccessAssignmentCreated',
    data: { ...assignment, securityGroupId: `group-${n}`, roles },
  };
  if (kept) return [assigned];
  return [
    assigned,
    { type: 'DelegatedAdminAccessAssignmentDeletionRequested', data: assignment },
    { type: 'DelegatedAdminAccessAssignmentDeleted', data: assignment },
  ];
}

/** The view after `events`, folded as both GDAP read models fold it. */
function viewAfter(events: SpecEvent[]): GdapRelationshipView | null {
  return record(events).reduce<GdapRelationshipView | null>(
    (view, event) =>
      evolveRelationshipView(view, event.type as GdapEventType, event as RecordedOf<GdapEventType>),
    null,
  );
}

const active: SpecEvent[] = [gdapCreated(roles), GDAP_APPROVED];
const groupsOf = (view: GdapRelationshipView | null) =>
  view?.assignments.map((assignment) => `${assignment.securityGroupId} ${assignment.status}`);

describe('a GDAP relationship’s view keeps the latest deleted assignments only (R66)', () => {
  const cycles = DELETED_ASSIGNMENTS_KEPT + 5;
  const cycled = [...active, ...Array.from({ length: cycles }, (_, n) => cycle(n)).flat()];

  it(`R66: assigned and deleted ${cycles} times, a view lists the ${DELETED_ASSIGNMENTS_KEPT} most recently created deleted ones, and every assignment held`, () => {
    const held = viewAfter([...cycled, ...cycle(cycles, true)]);
    expect(groupsOf(held)).toEqual([
      ...Array.from({ length: DELETED_ASSIGNMENTS_KEPT }, (_, n) => `group-${n + 5} deleted`),
      `group-${cycles} pending`,
    ]);
  });

  it('R64, R66: when the relationship ends, its held assignments end too, and the same number is kept', () => {
    const ended = viewAfter([
      ...cycled,
      ...cycle(cycles, true),
      { type: 'DelegatedAdminRelationshipTerminated', data: pair },
    ]);
    expect(ended?.status).toBe('terminated');
    expect(groupsOf(ended)).toEqual(
      Array.from(
        { length: DELETED_ASSIGNMENTS_KEPT },
        (_, n) => `group-${cycles - DELETED_ASSIGNMENTS_KEPT + 1 + n} deleted`,
      ),
    );
  });

  it(`R66: up to ${DELETED_ASSIGNMENTS_KEPT} deleted assignments, every one is listed`, () => {
    const few = viewAfter([...active, ...cycle(0), ...cycle(1)]);
    expect(groupsOf(few)).toEqual(['group-0 deleted', 'group-1 deleted']);
  });
});

describe('a GDAP access assignment’s change time (Graph’s lastModifiedDateTime, R66)', () => {
  it('R64, R66: set when it is created and whenever its status changes; an ending relationship changes only those it ends', () => {
    const [first] = cycle(0, true);
    const [second, ...deletion] = cycle(1);
    const changedAt = (events: SpecEvent[]) =>
      viewAfter(events)?.assignments.map(
        (assignment) => `${assignment.status} ${assignment.changedAt}`,
      );
    const assigned: SpecEvent[] = [
      ...active,
      { ...first, occurredAt: at(2) },
      {
        type: 'DelegatedAdminAccessAssignmentActivated',
        data: { ...pair, assignmentId: assignmentId(0) },
        occurredAt: at(3),
      },
      { ...second, occurredAt: at(4) },
    ];
    expect(changedAt(assigned)).toEqual([`active ${at(3)}`, `pending ${at(4)}`]);
    const deleted: SpecEvent[] = [
      ...assigned,
      { ...deletion[0], occurredAt: at(5) },
      { ...deletion[1], occurredAt: at(6) },
    ];
    expect(changedAt(deleted)).toEqual([`active ${at(3)}`, `deleted ${at(6)}`]);
    const ended: SpecEvent[] = [
      ...deleted,
      { type: 'DelegatedAdminRelationshipTerminated', data: pair, occurredAt: at(7) },
    ];
    expect(changedAt(ended)).toEqual([`deleted ${at(7)}`, `deleted ${at(6)}`]);
  });
});

describe('an assignment that loses a role with its relationship (R65)', () => {
  it('R65: changed when the role is removed; an assignment without that role keeps its change time', () => {
    const relationshipRoles = [
      DIRECTORY_ROLES.GLOBAL_ADMINISTRATOR,
      DIRECTORY_ROLES.USER_ADMINISTRATOR,
    ];
    const assign = (n: number, held: typeof relationshipRoles): SpecEvent => ({
      type: 'DelegatedAdminAccessAssignmentCreated',
      data: { ...pair, assignmentId: assignmentId(n), securityGroupId: `group-${n}`, roles: held },
      occurredAt: at(2 + n),
    });
    const narrowed = viewAfter([
      gdapCreated(relationshipRoles),
      GDAP_APPROVED,
      assign(0, relationshipRoles),
      assign(1, [DIRECTORY_ROLES.USER_ADMINISTRATOR]),
      {
        type: 'DelegatedAdminRelationshipUpdated',
        data: {
          ...pair,
          displayName: 'Fabrikam helpdesk',
          duration: 'P90D',
          roles: [DIRECTORY_ROLES.USER_ADMINISTRATOR],
          autoExtendDuration: 'P180D',
        },
        occurredAt: at(9),
      },
    ]);
    expect(
      narrowed?.assignments.map((assignment) => [
        assignment.securityGroupId,
        assignment.roles.map((role) => role.displayName),
        assignment.changedAt,
      ]),
    ).toEqual([
      ['group-0', ['User Administrator'], at(9)],
      ['group-1', ['User Administrator'], at(3)],
    ]);
  });
});
