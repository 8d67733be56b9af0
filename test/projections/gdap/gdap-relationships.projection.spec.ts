import { encodePairSummary } from '../../../projections/gdap/gdap-pair-summary';
import { gdapRelationshipsProjection } from '../../../projections/gdap/gdap-relationships.projection';
import type {
  GdapAssignmentView,
  GdapRelationshipView,
} from '../../../projections/gdap/gdap-relationship-view';
import type { GdapAssignmentStatus } from '../../../src/gdap/domain/events';
import { DIRECTORY_ROLES } from '../../../src/gdap/domain/role-catalogue';
import { at, projectionSpec, type SpecEvent } from '../../support/projection-spec';
import {
  GDAP_APPROVED,
  GDAP_ASSIGNMENT_ID as ASSIGNMENT,
  GDAP_PAIR as pair,
  GDAP_RELATIONSHIP_ID as REL,
  gdapCreated,
} from '../../support/gdap-spec-events';

const { USER_ADMINISTRATOR, EXCHANGE_ADMINISTRATOR } = DIRECTORY_ROLES;
const roles = [USER_ADMINISTRATOR, EXCHANGE_ADMINISTRATOR];

const created: SpecEvent = { ...gdapCreated(roles, 'P180D'), occurredAt: at(0) };
const requested: SpecEvent = {
  type: 'DelegatedAdminRelationshipApprovalRequested',
  data: {
    ...pair,
    approvalUrl: 'https://admin.microsoft.com/approve/1',
    emailDraft: { subject: 'Approve', body: 'Open https://admin.microsoft.com/approve/1' },
    expiresAt: '2025-05-30T09:01:00.000Z',
  },
  occurredAt: at(1),
};
const approved: SpecEvent = { ...GDAP_APPROVED, occurredAt: at(2) };
const assigned: SpecEvent = {
  type: 'DelegatedAdminAccessAssignmentCreated',
  data: { ...pair, assignmentId: ASSIGNMENT, securityGroupId: 'HELPDESK_AGENTS', roles },
  occurredAt: at(3),
};
const activated: SpecEvent = {
  type: 'DelegatedAdminAccessAssignmentActivated',
  data: { ...pair, assignmentId: ASSIGNMENT },
  occurredAt: at(4),
};
const active = [created, requested, approved, assigned, activated];

/** The relationship's view (as the pages read it), active with its assignment by default. */
const view = (
  changes: Partial<GdapRelationshipView>,
  assignments: GdapAssignmentView[] = [assignment('active')],
): GdapRelationshipView => ({
  relationshipId: REL,
  partnerTenantId: 'contoso-partners',
  partnerName: 'Contoso Partners',
  customerTenantId: 'fabrikam',
  displayName: 'Fabrikam helpdesk',
  duration: 'P90D',
  roles,
  autoExtendDuration: 'P180D',
  status: 'active',
  approvalUrl: 'https://admin.microsoft.com/approve/1',
  emailDraft: { subject: 'Approve', body: 'Open https://admin.microsoft.com/approve/1' },
  approvalExpiresAt: '2025-05-30T09:01:00.000Z',
  activatedAt: at(2),
  endDateTime: '2025-05-30T09:02:00.000Z',
  createdAt: at(0),
  changedAt: at(2),
  ...changes,
  assignments,
});
/** The assignment as the view holds it: created at(3), its status last changed at `changedAt`. */
function assignment(
  status: GdapAssignmentStatus,
  assignmentRoles = roles,
  changedAt = at(4),
): GdapAssignmentView {
  return {
    assignmentId: ASSIGNMENT,
    relationshipId: REL,
    securityGroupId: 'HELPDESK_AGENTS',
    roles: assignmentRoles,
    status,
    createdAt: at(3),
    changedAt,
  };
}

/** The relationship's row (written by the event at `position`) and its pair's summary row. */
const rowsOf = (
  relationship: GdapRelationshipView,
  position: number,
  encode: (views: GdapRelationshipView[]) => string = encodePairSummary,
) => ({
  gdap_relationships: [
    {
      relationship_id: REL,
      partner_tenant_id: 'contoso-partners',
      customer_tenant_id: 'fabrikam',
      display_name: relationship.displayName,
      status: relationship.status,
      end_date_time: relationship.endDateTime,
      position,
      view: JSON.stringify(relationship),
    },
  ],
  gdap_pair_summaries: [
    {
      partner_tenant_id: 'contoso-partners',
      customer_tenant_id: 'fabrikam',
      relationships: encode([relationship]),
    },
  ],
});

describe('gdap-relationships projection (R60–R66)', () => {
  it('R60, R61: a created relationship, then locked for approval with its link and draft', () => {
    projectionSpec(gdapRelationshipsProjection)
      .when(created, requested)
      .then(
        rowsOf(
          view(
            { status: 'approvalPending', activatedAt: null, endDateTime: null, changedAt: at(1) },
            [],
          ),
          2,
        ),
      );
  });

  it('R16, R60: version 6, kept up while version 7 builds, writes the rows version 7 writes', () => {
    const locked = view(
      { status: 'approvalPending', activatedAt: null, endDateTime: null, changedAt: at(1) },
      [],
    );
    projectionSpec(gdapRelationshipsProjection.previous!)
      .when(created, requested)
      .then(rowsOf(locked, 2));
  });

  it('R62, R66: approved with its end date; the assignment pending, then active', () => {
    projectionSpec(gdapRelationshipsProjection)
      .given(created, requested)
      .when(approved, assigned, activated)
      .then(rowsOf(view({}), 5));
  });

  it('R65: removing a role from an active relationship takes it from its assignments, which changed then', () => {
    projectionSpec(gdapRelationshipsProjection)
      .given(...active)
      .when({
        type: 'DelegatedAdminRelationshipUpdated',
        data: {
          ...pair,
          displayName: 'Fabrikam helpdesk',
          duration: 'P90D',
          roles: [USER_ADMINISTRATOR],
          autoExtendDuration: 'PT0S',
        },
        occurredAt: at(5),
      })
      .then(
        rowsOf(
          view({ roles: [USER_ADMINISTRATOR], autoExtendDuration: 'PT0S', changedAt: at(5) }, [
            assignment('active', [USER_ADMINISTRATOR], at(5)),
          ]),
          6,
        ),
      );
  });

  it('R63: expiring, then auto-extended to a new end and active again', () => {
    projectionSpec(gdapRelationshipsProjection)
      .given(...active)
      .when(
        {
          type: 'DelegatedAdminRelationshipExpiring',
          data: { ...pair, endDateTime: '2025-05-30T09:02:00.000Z' },
          occurredAt: at(6),
        },
        {
          type: 'DelegatedAdminRelationshipAutoExtended',
          data: {
            ...pair,
            previousEndDateTime: '2025-05-30T09:02:00.000Z',
            endDateTime: '2025-11-26T09:02:00.000Z',
          },
          occurredAt: at(7),
        },
      )
      .then(rowsOf(view({ endDateTime: '2025-11-26T09:02:00.000Z', changedAt: at(7) }), 7));
  });

  it('R63: expired at its end, its assignments ending with it', () => {
    projectionSpec(gdapRelationshipsProjection)
      .given(...active)
      .when({
        type: 'DelegatedAdminRelationshipExpired',
        data: { ...pair, endDateTime: '2025-05-30T09:02:00.000Z' },
        occurredAt: at(8),
      })
      .then(
        rowsOf(
          view({ status: 'expired', changedAt: at(8) }, [assignment('deleted', roles, at(8))]),
          6,
        ),
      );
  });

  it('R64: termination requested, then terminated, its assignments ending with it', () => {
    projectionSpec(gdapRelationshipsProjection)
      .given(...active)
      .when(
        {
          type: 'DelegatedAdminRelationshipTerminationRequested',
          data: { ...pair, requestedBy: 'CUSTOMER' },
          occurredAt: at(9),
        },
        { type: 'DelegatedAdminRelationshipTerminated', data: pair, occurredAt: at(10) },
      )
      .then(
        rowsOf(
          view({ status: 'terminated', changedAt: at(10) }, [assignment('deleted', roles, at(10))]),
          7,
        ),
      );
  });

  it('R66: an assignment deleting, then deleted; the relationship stays active', () => {
    projectionSpec(gdapRelationshipsProjection)
      .given(...active)
      .when(
        {
          type: 'DelegatedAdminAccessAssignmentDeletionRequested',
          data: { ...pair, assignmentId: ASSIGNMENT },
          occurredAt: at(11),
        },
        {
          type: 'DelegatedAdminAccessAssignmentDeleted',
          data: { ...pair, assignmentId: ASSIGNMENT },
          occurredAt: at(12),
        },
      )
      .then(rowsOf(view({}, [assignment('deleted', roles, at(12))]), 7));
  });

  it('R61, R62: a deleted relationship is gone; a lapsed approval request reads expired', () => {
    projectionSpec(gdapRelationshipsProjection)
      .given(created)
      .when({ type: 'DelegatedAdminRelationshipDeleted', data: pair, occurredAt: at(13) })
      .then({ gdap_relationships: [], gdap_pair_summaries: [] });
    projectionSpec(gdapRelationshipsProjection)
      .given(created, requested)
      .when({ type: 'DelegatedAdminRelationshipApprovalExpired', data: pair, occurredAt: at(14) })
      .then(
        rowsOf(
          view({ status: 'expired', activatedAt: null, endDateTime: null, changedAt: at(14) }, []),
          3,
        ),
      );
  });

  it('R16, R61: the pair summary lists the pair’s relationships by name, and goes with the last', () => {
    const other = '22222222-2222-4222-8222-222222222222@contoso-partners';
    const second: SpecEvent = {
      type: 'DelegatedAdminRelationshipCreated',
      data: {
        ...pair,
        relationshipId: other,
        partnerName: 'Contoso Partners',
        displayName: 'Fabrikam audit',
        duration: 'P30D',
        roles: [USER_ADMINISTRATOR],
        autoExtendDuration: 'PT0S',
      },
      occurredAt: at(20),
    };
    const audit = {
      ...view({}, []),
      relationshipId: other,
      displayName: 'Fabrikam audit',
      duration: 'P30D',
      roles: [USER_ADMINISTRATOR],
      autoExtendDuration: 'PT0S',
      status: 'created' as const,
      approvalUrl: null,
      emailDraft: null,
      approvalExpiresAt: null,
      activatedAt: null,
      endDateTime: null,
      createdAt: at(20),
      changedAt: at(20),
    };
    const summary = (relationships: GdapRelationshipView[]) => ({
      gdap_pair_summaries: [
        {
          partner_tenant_id: 'contoso-partners',
          customer_tenant_id: 'fabrikam',
          relationships: encodePairSummary(relationships),
        },
      ],
    });
    projectionSpec(gdapRelationshipsProjection)
      .given(...active)
      .when(second)
      .then(summary([audit, view({})]));
    projectionSpec(gdapRelationshipsProjection)
      .given(...active, second)
      .when({ type: 'DelegatedAdminRelationshipDeleted', data: pair, occurredAt: at(21) })
      .then(summary([audit]));
  });
});
