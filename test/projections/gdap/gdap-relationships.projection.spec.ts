import { gdapRelationshipsProjection } from '../../../projections/gdap/gdap-relationships.projection';
import { DIRECTORY_ROLES } from '../../../src/gdap/domain/role-catalogue';
import { at, projectionSpec, type SpecEvent } from '../../support/projection-spec';

const { USER_ADMINISTRATOR, EXCHANGE_ADMINISTRATOR } = DIRECTORY_ROLES;
const REL = '11111111-1111-4111-8111-111111111111@contoso-partners';
const ASSIGNMENT = '33333333-3333-4333-8333-333333333333';
const pair = {
  relationshipId: REL,
  partnerTenantId: 'contoso-partners',
  customerTenantId: 'fabrikam',
};
const roles = [USER_ADMINISTRATOR, EXCHANGE_ADMINISTRATOR];

const created: SpecEvent = {
  type: 'DelegatedAdminRelationshipCreated',
  data: {
    ...pair,
    partnerName: 'Contoso Partners',
    displayName: 'Fabrikam helpdesk',
    duration: 'P90D',
    roles,
    autoExtendDuration: 'P180D',
  },
  occurredAt: at(0),
};
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
const approved: SpecEvent = {
  type: 'DelegatedAdminRelationshipApproved',
  data: {
    ...pair,
    approvedByUserId: 'fay',
    activatedAt: at(2),
    endDateTime: '2025-05-30T09:02:00.000Z',
  },
  occurredAt: at(2),
};
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

/** The columns the pages read of the one relationship row. */
const relationship = (changes: Record<string, unknown>) => ({
  relationship_id: REL,
  partner_tenant_id: 'contoso-partners',
  partner_name: 'Contoso Partners',
  customer_tenant_id: 'fabrikam',
  display_name: 'Fabrikam helpdesk',
  duration: 'P90D',
  roles: JSON.stringify(roles),
  auto_extend_duration: 'P180D',
  status: 'active',
  approval_url: 'https://admin.microsoft.com/approve/1',
  email_subject: 'Approve',
  email_body: 'Open https://admin.microsoft.com/approve/1',
  approval_expires_at: '2025-05-30T09:01:00.000Z',
  activated_at: at(2),
  end_date_time: '2025-05-30T09:02:00.000Z',
  created_at: at(0),
  changed_at: at(2),
  ...changes,
});
const assignment = (status: string, assignmentRoles = roles) => ({
  assignment_id: ASSIGNMENT,
  relationship_id: REL,
  security_group_id: 'HELPDESK_AGENTS',
  roles: JSON.stringify(assignmentRoles),
  status,
  created_at: at(3),
});

describe('gdap-relationships projection (R60–R66)', () => {
  it('R60, R61: a created relationship, then locked for approval with its link and draft', () => {
    projectionSpec(gdapRelationshipsProjection)
      .when(created, requested)
      .then({
        gdap_relationships: [
          relationship({
            status: 'approvalPending',
            activated_at: null,
            end_date_time: null,
            changed_at: at(1),
          }),
        ],
        gdap_assignments: [],
      });
  });

  it('R62, R66: approved with its end date; the assignment pending, then active', () => {
    projectionSpec(gdapRelationshipsProjection)
      .given(created, requested)
      .when(approved, assigned, activated)
      .then({
        gdap_relationships: [relationship({})],
        gdap_assignments: [assignment('active')],
      });
  });

  it('R65: removing a role from an active relationship takes it from its assignments', () => {
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
      .then({
        gdap_relationships: [
          relationship({
            roles: JSON.stringify([USER_ADMINISTRATOR]),
            auto_extend_duration: 'PT0S',
            changed_at: at(5),
          }),
        ],
        gdap_assignments: [assignment('active', [USER_ADMINISTRATOR])],
      });
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
      .then({
        gdap_relationships: [
          relationship({ end_date_time: '2025-11-26T09:02:00.000Z', changed_at: at(7) }),
        ],
        gdap_assignments: [assignment('active')],
      });
  });

  it('R63: expired at its end, its assignments ending with it', () => {
    projectionSpec(gdapRelationshipsProjection)
      .given(...active)
      .when({
        type: 'DelegatedAdminRelationshipExpired',
        data: { ...pair, endDateTime: '2025-05-30T09:02:00.000Z' },
        occurredAt: at(8),
      })
      .then({
        gdap_relationships: [relationship({ status: 'expired', changed_at: at(8) })],
        gdap_assignments: [assignment('deleted')],
      });
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
      .then({
        gdap_relationships: [relationship({ status: 'terminated', changed_at: at(10) })],
        gdap_assignments: [assignment('deleted')],
      });
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
      .then({
        gdap_relationships: [relationship({})],
        gdap_assignments: [assignment('deleted')],
      });
  });

  it('R61, R62: a deleted relationship is gone; a lapsed approval request reads expired', () => {
    projectionSpec(gdapRelationshipsProjection)
      .given(created)
      .when({ type: 'DelegatedAdminRelationshipDeleted', data: pair, occurredAt: at(13) })
      .then({ gdap_relationships: [], gdap_assignments: [] });
    projectionSpec(gdapRelationshipsProjection)
      .given(created, requested)
      .when({ type: 'DelegatedAdminRelationshipApprovalExpired', data: pair, occurredAt: at(14) })
      .then({
        gdap_relationships: [
          relationship({
            status: 'expired',
            activated_at: null,
            end_date_time: null,
            changed_at: at(14),
          }),
        ],
        gdap_assignments: [],
      });
  });
});
