import { auditEntryOf, visitTenantNames } from '../../../projections/audit/audit-entry';
import { auditProjection } from '../../../projections/audit/audit.projection';
import type { GdapEvent } from '../../../src/gdap/domain/events';
import { DIRECTORY_ROLES } from '../../../src/gdap/domain/role-catalogue';
import type { RecordedEvent } from '../../../src/platform/projection-engine/projection';
import { at, projectionSpec, SPEC_ACTOR } from '../../support/projection-spec';

const REL = '11111111-1111-4111-8111-111111111111@contoso-partners';
const UNKNOWN = '22222222-2222-4222-8222-222222222222@contoso-partners';
const pair = {
  relationshipId: REL,
  partnerTenantId: 'contoso-partners',
  customerTenantId: 'fabrikam',
};
const fay = {
  userId: 'fay',
  name: 'Fay',
  tenantId: 'fabrikam',
  tenantKind: 'customer' as const,
  tenantName: 'Fabrikam',
  roles: ['GlobalAdmin'],
};
const relationship = {
  displayName: 'Fabrikam helpdesk',
  duration: 'P90D',
  roles: [DIRECTORY_ROLES.USER_ADMINISTRATOR],
  autoExtendDuration: 'PT0S',
};
const created: GdapEvent = {
  type: 'DelegatedAdminRelationshipCreated',
  data: { ...pair, partnerName: 'Contoso Partners', ...relationship },
};
const renamed: GdapEvent = {
  type: 'DelegatedAdminRelationshipUpdated',
  data: { ...pair, ...relationship, displayName: 'Fabrikam support' },
};
const approved: GdapEvent = {
  type: 'DelegatedAdminRelationshipApproved',
  data: {
    ...pair,
    approvedByUserId: 'fay',
    activatedAt: at(2),
    endDateTime: '2025-05-30T09:02:00.000Z',
  },
};
const ASSIGNMENT = '33333333-3333-4333-8333-333333333333';
const assigned: GdapEvent = {
  type: 'DelegatedAdminAccessAssignmentCreated',
  data: {
    ...pair,
    assignmentId: ASSIGNMENT,
    securityGroupId: 'HELPDESK_AGENTS',
    roles: [DIRECTORY_ROLES.USER_ADMINISTRATOR],
  },
};
const ofUnknown: GdapEvent = {
  type: 'DelegatedAdminRelationshipTerminated',
  data: { ...pair, relationshipId: UNKNOWN },
};

/** The entries' summaries as the projection and `audit verify` derive them, in order. */
function summaries(events: { event: GdapEvent; actor?: typeof fay }[]): string[] {
  const names = new Map<string, string>();
  return events.map(({ event, actor = SPEC_ACTOR }, index) => {
    const recorded = {
      id: `00000000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`,
      streamId: 'gdap-contoso-partners',
      type: event.type,
      data: event.data,
      metadata: {
        correlationId: `c-${index}`,
        causationId: `c-${index}`,
        actor,
        occurredAt: at(index),
        schemaVersion: 1,
      },
      revision: index,
      position: index + 1,
      created: new Date(at(index)),
    } as RecordedEvent;
    visitTenantNames(recorded, (id, name) => names.set(id, name));
    return auditEntryOf(recorded, (id) => names.get(id) ?? null, '0'.repeat(64)).summary;
  });
}

describe('the audit log names GDAP relationships (R41, R60)', () => {
  it('R41, R60, R61, R66: entries about a relationship name it by its display name as last created or changed, an assignment by its group', () => {
    expect(
      summaries([
        { event: created },
        { event: approved, actor: fay },
        { event: renamed },
        { event: assigned },
        {
          event: {
            type: 'DelegatedAdminAccessAssignmentActivated',
            data: { ...pair, assignmentId: ASSIGNMENT },
          },
        },
        {
          event: {
            type: 'DelegatedAdminAccessAssignmentDeletionRequested',
            data: { ...pair, assignmentId: 'never-created' },
          },
        },
        { event: { type: 'DelegatedAdminRelationshipTerminated', data: pair } },
      ]),
    ).toEqual([
      // Fabrikam's name is learnt from Fay's token, after the creation.
      'Ann (Contoso Partners, AdminAgent) created GDAP relationship "Fabrikam helpdesk" (User Administrator, P90D) with fabrikam',
      'Fay (Fabrikam, GlobalAdmin) approved GDAP relationship "Fabrikam helpdesk" of Contoso Partners until 2025-05-30T09:02:00.000Z',
      'Ann (Contoso Partners, AdminAgent) changed GDAP relationship "Fabrikam support": User Administrator, auto-extend PT0S',
      'Ann (Contoso Partners, AdminAgent) gave HELPDESK_AGENTS User Administrator through GDAP relationship "Fabrikam support"',
      // An assignment by its group, learnt when it was created; else by its id.
      'Ann (Contoso Partners, AdminAgent) activated the access assignment of HELPDESK_AGENTS in GDAP relationship "Fabrikam support"',
      'Ann (Contoso Partners, AdminAgent) deleted access assignment never-created in GDAP relationship "Fabrikam support"',
      'Ann (Contoso Partners, AdminAgent) recorded that GDAP relationship "Fabrikam support" is terminated',
    ]);
  });

  it('R41: a relationship whose name the log never learnt is named by its id', () => {
    expect(summaries([{ event: created }, { event: ofUnknown }])[1]).toBe(
      `Ann (Contoso Partners, AdminAgent) recorded that GDAP relationship ${UNKNOWN} is terminated`,
    );
  });

  it('R41: the projection keeps the names it learnt, a relationship’s and an assignment’s group beside the tenants’', () => {
    projectionSpec(auditProjection)
      .given({ ...created, streamId: 'gdap-contoso-partners' })
      .when(
        { ...renamed, streamId: 'gdap-contoso-partners' },
        { ...assigned, streamId: 'gdap-contoso-partners' },
      )
      .then({
        audit_tenant_names: [
          { tenant_id: 'contoso-partners', name: 'Contoso Partners' },
          { tenant_id: REL, name: 'Fabrikam support' },
          { tenant_id: `${REL}/${ASSIGNMENT}`, name: 'HELPDESK_AGENTS' },
        ],
      });
  });
});
