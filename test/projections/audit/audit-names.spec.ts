import { auditEntryOf, visitTenantNames } from '../../../projections/audit/audit-entry';
import { auditProjection } from '../../../projections/audit/audit.projection';
import type { GdapEvent } from '../../../src/gdap/domain/events';
import type { DomainEvent } from '../../../src/events';
import type { Actor } from '../../../src/platform/domain/actor';
import type { FencedScope, RevocableFact } from '../../../src/platform/domain/revocation-fences';
import { DIRECTORY_ROLES } from '../../../src/gdap/domain/role-catalogue';
import {
  projectionSpec,
  record,
  SPEC_CUSTOMER_ACTOR,
  type SpecEvent,
} from '../../support/projection-spec';
import {
  GDAP_APPROVED,
  GDAP_ASSIGNMENT_ID as ASSIGNMENT,
  GDAP_PAIR as pair,
  GDAP_RELATIONSHIP_ID as REL,
} from '../../support/gdap-spec-events';

const UNKNOWN = '22222222-2222-4222-8222-222222222222@contoso-partners';
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
function summaries(events: SpecEvent[]): string[] {
  const names = new Map<string, string>();
  return record(events).map((recorded) => {
    visitTenantNames(recorded, (id, name) => names.set(id, name));
    return auditEntryOf(recorded, (id) => names.get(id) ?? null, '0'.repeat(64)).summary;
  });
}

describe('the audit log names things by the names earlier events gave them (R41)', () => {
  it('R41, R60, R61, R66: entries about a relationship name it by its display name as last created or changed, an assignment by its group', () => {
    expect(
      summaries([
        created,
        { ...GDAP_APPROVED, actor: SPEC_CUSTOMER_ACTOR },
        renamed,
        assigned,
        {
          type: 'DelegatedAdminAccessAssignmentActivated',
          data: { ...pair, assignmentId: ASSIGNMENT },
        },
        {
          type: 'DelegatedAdminAccessAssignmentDeletionRequested',
          data: { ...pair, assignmentId: 'never-created' },
        },
        { type: 'DelegatedAdminRelationshipTerminated', data: pair },
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

  it('R41, R60, R61: an entry whose event names the customer says the name it gave', () => {
    const naming = (event: GdapEvent, customerDisplayName: string): GdapEvent =>
      ({ ...event, data: { ...event.data, customerDisplayName } }) as GdapEvent;
    expect(summaries([naming(created, 'Fabrikam EU'), naming(renamed, 'Fabrikam Europe')])).toEqual(
      [
        'Ann (Contoso Partners, AdminAgent) created GDAP relationship "Fabrikam helpdesk" (User Administrator, P90D) with fabrikam, naming the customer "Fabrikam EU"',
        'Ann (Contoso Partners, AdminAgent) changed GDAP relationship "Fabrikam support": User Administrator, auto-extend PT0S, naming the customer "Fabrikam Europe"',
      ],
    );
  });

  it('R41, R61, R65: an edit says what it changed, from the fields as they were; an edit recorded without them, the fields as they became', () => {
    const { GLOBAL_ADMINISTRATOR, USER_ADMINISTRATOR, HELPDESK_ADMINISTRATOR } = DIRECTORY_ROLES;
    const edit = (before: object, after: object): GdapEvent => ({
      type: 'DelegatedAdminRelationshipUpdated',
      data: { ...pair, ...relationship, ...after, before: { ...relationship, ...before } },
    });
    expect(
      summaries([
        created,
        edit(
          { roles: [GLOBAL_ADMINISTRATOR, USER_ADMINISTRATOR] },
          { roles: [USER_ADMINISTRATOR], autoExtendDuration: 'P180D' },
        ),
        edit(
          {},
          {
            displayName: 'Fabrikam support',
            duration: 'P180D',
            roles: [USER_ADMINISTRATOR, HELPDESK_ADMINISTRATOR],
          },
        ),
        edit({}, {}),
        renamed,
      ]).slice(1),
    ).toEqual([
      'Ann (Contoso Partners, AdminAgent) changed GDAP relationship "Fabrikam helpdesk": removed Global Administrator; auto-extend PT0S → P180D',
      'Ann (Contoso Partners, AdminAgent) changed GDAP relationship "Fabrikam support" (was "Fabrikam helpdesk"): added Helpdesk Administrator; duration P90D → P180D',
      'Ann (Contoso Partners, AdminAgent) changed GDAP relationship "Fabrikam helpdesk": nothing changed',
      'Ann (Contoso Partners, AdminAgent) changed GDAP relationship "Fabrikam support": User Administrator, auto-extend PT0S',
    ]);
  });

  it('R41, R9, R12, R64, R65: a fence says what it closes, and which kind of revocation is under way', () => {
    const fence = (revoking: RevocableFact, scope: FencedScope): SpecEvent => ({
      type: 'PartnerAccessRevocationStarted',
      data: {
        partnerTenantId: pair.partnerTenantId,
        customerTenantId: pair.customerTenantId,
        revoking,
        factRevision: 3,
        scope,
      },
      actor: SPEC_CUSTOMER_ACTOR,
    });
    expect(
      summaries([
        created,
        { ...GDAP_APPROVED, actor: SPEC_CUSTOMER_ACTOR },
        fence('GDAP', 'AUTOPILOT'),
        fence('DELEGATED_ADMIN', 'SERVICE_REQUESTS'),
        fence('RELATIONSHIP', 'SERVICE_REQUESTS'),
      ]).slice(2),
    ).toEqual([
      // A termination, an assignment's deletion or Global Administrator's removal (R64, R65).
      'Fay (Fabrikam, GlobalAdmin) closed Autopilot changes of Contoso Partners while a GDAP change takes access away',
      'Fay (Fabrikam, GlobalAdmin) closed service requests of Contoso Partners while DAP is removed',
      'Fay (Fabrikam, GlobalAdmin) closed service requests of Contoso Partners while the reseller relationship ends',
    ]);
  });

  it('R41, R12, R50, R64: a claim on a revocation says what it begins, from either side', () => {
    const claim = (revoking: RevocableFact, actor?: Actor): SpecEvent => ({
      type: 'PartnerAccessRevocationClaimed',
      data: {
        ...pair,
        revoking,
        factStreamId: 'dapgrant-contoso-partners_fabrikam',
        factRevision: 3,
      },
      ...(actor && { actor }),
    });
    expect(
      summaries([
        created,
        { ...GDAP_APPROVED, actor: SPEC_CUSTOMER_ACTOR },
        claim('DELEGATED_ADMIN', SPEC_CUSTOMER_ACTOR),
        claim('GDAP', SPEC_CUSTOMER_ACTOR),
        claim('GDAP'),
      ]).slice(2),
    ).toEqual([
      'Fay (Fabrikam, GlobalAdmin) began removing DAP of Contoso Partners',
      'Fay (Fabrikam, GlobalAdmin) began taking GDAP access away from Contoso Partners',
      'Ann (Contoso Partners, AdminAgent) began taking GDAP access away in Fabrikam',
    ]);
  });

  it('R41, R12, R50: a released claim says the revocation it began stopped with nothing changed', () => {
    const released = (revoking: RevocableFact): SpecEvent => ({
      type: 'PartnerAccessRevocationClaimReleased',
      data: { ...pair, revoking, factStreamId: 'dapgrant-contoso-partners_fabrikam' },
      actor: SPEC_CUSTOMER_ACTOR,
    });
    expect(
      summaries([
        created,
        { ...GDAP_APPROVED, actor: SPEC_CUSTOMER_ACTOR },
        released('DELEGATED_ADMIN'),
        released('RELATIONSHIP'),
      ]).slice(2),
    ).toEqual([
      'Fay (Fabrikam, GlobalAdmin) stopped removing DAP of Contoso Partners with nothing changed',
      'Fay (Fabrikam, GlobalAdmin) stopped ending the reseller relationship with Contoso Partners with nothing changed',
    ]);
  });

  it('R17, R41: an entry names the other tenant only once the two were introduced (an invitation accepted, a GDAP relationship approved), before that by its id', () => {
    const ned: Actor = {
      userId: 'ned',
      name: 'Ned',
      tenantId: 'northwind-partners',
      tenantKind: 'partner',
      tenantName: 'Northwind Partners',
      roles: ['AdminAgent'],
    };
    const fay = SPEC_CUSTOMER_ACTOR;
    const invitation = (id: string) => ({
      invitationId: id,
      partnerTenantId: 'northwind-partners',
      partnerName: 'Northwind Partners',
      includeDelegatedAdmin: false,
      intendedCustomer: { tenantId: 'fabrikam' },
      customerTenantId: 'fabrikam',
    });
    const fabrikam = { tenantId: 'fabrikam', name: 'Fabrikam', domain: 'fabrikam.onmicrosoft.com' };
    const toNorthwind = {
      assignmentId: 'a1',
      role: 'READER',
      roleDefinitionId: 'reader-role',
      subscriptionId: '44444444-4444-4444-8444-444444444444',
      customerTenantId: 'fabrikam',
      principal: {
        kind: 'PARTNER_GROUP',
        partnerTenantId: 'northwind-partners',
        group: 'HELPDESK_AGENTS',
      },
    };
    expect(
      summaries([
        // Both names are known from the tokens, and the two tenants do not know each other.
        { type: 'InvitationEmailEdited', data: { invitationId: 'i0' }, actor: fay },
        { type: 'InvitationCreated', data: invitation('i1'), actor: ned },
        { type: 'SubscriptionRoleAssigned', data: toNorthwind, actor: fay },
        {
          type: 'InvitationAccepted',
          data: { ...invitation('i1'), customer: fabrikam },
          actor: fay,
        },
        { type: 'InvitationCreated', data: invitation('i2'), actor: ned },
        { type: 'SubscriptionRoleAssigned', data: toNorthwind, actor: fay },
      ] as SpecEvent[]).slice(1),
    ).toEqual([
      'Ned (Northwind Partners, AdminAgent) invited fabrikam to a reseller relationship without DAP',
      'Fay (Fabrikam, GlobalAdmin) assigned READER on Azure subscription 44444444-4444-4444-8444-444444444444 to the Helpdesk Agents of northwind-partners',
      'Fay (Fabrikam, GlobalAdmin) accepted the reseller invitation of Northwind Partners without DAP',
      'Ned (Northwind Partners, AdminAgent) invited Fabrikam to a reseller relationship without DAP',
      'Fay (Fabrikam, GlobalAdmin) assigned READER on Azure subscription 44444444-4444-4444-8444-444444444444 to the Helpdesk Agents of Northwind Partners',
    ]);
  });

  it('R41: a quote in a name is escaped, and a device by its serial number is quoted, so no name reads as another entry', () => {
    const title = 'Reset" for Woodgrove. Fay (Fabrikam, GlobalAdmin) granted DAP. "ok';
    const [opened, added] = summaries([
      {
        type: 'ServiceRequestOpened',
        data: {
          partnerTenantId: 'contoso-partners',
          customerTenantId: 'fabrikam',
          serviceRequestId: 'sr-1',
          title,
          description: 'x',
        },
      },
      {
        type: 'AutopilotDeviceAdded',
        data: {
          partnerTenantId: 'contoso-partners',
          customerTenantId: 'fabrikam',
          deviceId: '66666666-6666-4666-8666-666666666666@fabrikam',
          identity: { serialNumber: 'SN-9 for Woodgrove. Fay removed DAP' },
          addedBy: { source: 'PARTNER', partnerTenantId: 'contoso-partners' },
        },
      },
    ] as SpecEvent[]);
    expect(opened).toBe(
      `Ann (Contoso Partners, AdminAgent) opened service request ${JSON.stringify(title)} for fabrikam`,
    );
    expect(added).toBe(
      'Ann (Contoso Partners, AdminAgent) added Autopilot device "SN-9 for Woodgrove. Fay removed DAP" for fabrikam',
    );
  });

  it('R41: a relationship whose name the log never learnt is named by its id', () => {
    expect(summaries([created, ofUnknown])[1]).toBe(
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
          { tenant_id: `relationship:${REL}`, name: 'Fabrikam support' },
          { tenant_id: `assignment:${REL}/${ASSIGNMENT}`, name: 'HELPDESK_AGENTS' },
        ],
      });
  });

  it('R41, R20, R33: a subscription by its display name, a profile by its name, a device by its serial number', () => {
    const customer = { customerTenantId: 'fabrikam', partnerTenantId: 'contoso-partners' };
    const SUBSCRIPTION = '44444444-4444-4444-8444-444444444444';
    const PROFILE = '55555555-5555-4555-8555-555555555555';
    const DEVICE = '66666666-6666-4666-8666-666666666666@fabrikam';
    const HASH_ONLY = '77777777-7777-4777-8777-777777777777@fabrikam';
    const owner = {
      assignmentId: 'a1',
      role: 'OWNER',
      roleDefinitionId: 'owner-role',
      principal: {
        kind: 'PARTNER_GROUP',
        partnerTenantId: 'contoso-partners',
        group: 'ADMIN_AGENTS',
      },
    };
    const content = { description: null, settings: [] };
    const events = [
      {
        type: 'AzureSubscriptionRegistered',
        data: {
          subscriptionId: SUBSCRIPTION,
          displayName: 'Research',
          customerTenantId: 'fabrikam',
        },
      },
      {
        type: 'SubscriptionRoleAssigned',
        data: { ...owner, subscriptionId: SUBSCRIPTION, customerTenantId: 'fabrikam' },
      },
      {
        type: 'AzureSubscriptionCancelled',
        data: { subscriptionId: SUBSCRIPTION, customerTenantId: 'fabrikam' },
      },
      {
        type: 'AutopilotProfileCreated',
        data: { ...customer, ...content, profileId: PROFILE, name: 'New hires' },
      },
      {
        type: 'AutopilotProfileUpdated',
        data: { ...customer, ...content, profileId: PROFILE, name: 'Starters' },
      },
      {
        type: 'AutopilotDeviceAdded',
        data: {
          ...customer,
          deviceId: DEVICE,
          identity: { serialNumber: 'SN-1', manufacturer: 'Contoso', model: 'One' },
          addedBy: { source: 'PARTNER', partnerTenantId: 'contoso-partners' },
        },
      },
      {
        type: 'AutopilotDeviceAdded',
        data: {
          ...customer,
          deviceId: HASH_ONLY,
          identity: { hardwareHash: 'aGFzaA==' },
          addedBy: { source: 'PARTNER', partnerTenantId: 'contoso-partners' },
        },
      },
      {
        type: 'AutopilotProfileAssigned',
        data: { ...customer, deviceId: DEVICE, profileId: PROFILE },
      },
      {
        type: 'AutopilotProfileUnassigned',
        data: { ...customer, deviceId: HASH_ONLY, profileId: PROFILE },
      },
      { type: 'AutopilotDeviceRemoved', data: { ...customer, deviceId: DEVICE } },
    ] as unknown as DomainEvent[];
    expect(summaries(events)).toEqual([
      'Ann (Contoso Partners, AdminAgent) registered Azure subscription "Research" in fabrikam',
      'Ann (Contoso Partners, AdminAgent) assigned OWNER on Azure subscription "Research" to the Admin Agents of Contoso Partners',
      'Ann (Contoso Partners, AdminAgent) cancelled Azure subscription "Research"',
      'Ann (Contoso Partners, AdminAgent) created Autopilot profile "New hires" for fabrikam',
      'Ann (Contoso Partners, AdminAgent) updated Autopilot profile "Starters" for fabrikam',
      'Ann (Contoso Partners, AdminAgent) added Autopilot device "SN-1" for fabrikam',
      `Ann (Contoso Partners, AdminAgent) added Autopilot device ${HASH_ONLY} for fabrikam`,
      'Ann (Contoso Partners, AdminAgent) assigned Autopilot profile "Starters" to device "SN-1" for fabrikam',
      `Ann (Contoso Partners, AdminAgent) removed Autopilot profile "Starters" from device ${HASH_ONLY} for fabrikam`,
      'Ann (Contoso Partners, AdminAgent) removed Autopilot device "SN-1" for fabrikam',
    ]);
  });
});
