import {
  partnerRoleAzureRoles,
  partnerRoleOnSubscription,
  type SubscriptionFacts,
} from '../../../src/azure-subscriptions/domain/subscription-access';
import type { DapGrantCommand } from '../../../src/delegated-admin/domain/dap-grant/commands';
import { dapGrantDecider } from '../../../src/delegated-admin/domain/dap-grant/dap-grant.decider';
import type { DapGrantEvent } from '../../../src/delegated-admin/domain/dap-grant/events';
import type { RelationshipCommand } from '../../../src/invitations/domain/commands';
import type { RelationshipEvent } from '../../../src/invitations/domain/events';
import { relationshipDecider } from '../../../src/invitations/domain/relationship.decider';
import type { Actor } from '../../../src/platform/domain/actor';
import { fold } from '../../../src/platform/domain/decider';
import {
  type AzureRole,
  type Principal,
  roleAllows,
  type SubscriptionAction,
} from '../../../src/azure-subscriptions/domain/azure-roles';
import type { SubscriptionRbacCommand } from '../../../src/azure-subscriptions/domain/commands';
import type { SubscriptionRbacEvent } from '../../../src/azure-subscriptions/domain/events';
import {
  subscriptionRbacDecider,
  type SubscriptionRbacState,
} from '../../../src/azure-subscriptions/domain/subscription-rbac.decider';
import { customerGlobalAdmin, customerUser, given, partnerUser } from '../../support/given';

type Command = SubscriptionRbacCommand;
type Event = SubscriptionRbacEvent;

const T0 = new Date('2025-03-01T10:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;
const at = (offsetMs: number): Date => new Date(T0.getTime() + offsetMs);

const CONTOSO = 'partner-contoso';
const LITWARE = 'partner-litware';
const FABRIKAM = 'customer-fabrikam';
const NORTHWIND = 'customer-northwind';

/** R20: Azure's built-in role definition ids, written out as Azure publishes them. */
const OWNER_ID = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const CONTRIBUTOR_ID = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
const READER_ID = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
const UAA_ID = '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9';

/** Provisioned for Fabrikam by Contoso. */
const PROD = 'sub-prod';
const OWNER_ASSIGNMENT = 'asg-contoso-owner';
/** Registered by Fabrikam itself. */
const OWN = 'sub-own';

const contosoAdmin = partnerUser(['AdminAgent'], { tenantId: CONTOSO, tenantName: 'Contoso' });
const contosoSales = partnerUser(['SalesAgent'], { tenantId: CONTOSO, tenantName: 'Contoso' });
const contosoHelpdesk = partnerUser(['HelpdeskAgent'], {
  tenantId: CONTOSO,
  tenantName: 'Contoso',
});
const contosoNoRole = partnerUser([], { tenantId: CONTOSO, tenantName: 'Contoso' });
/** A partner user whose token carries the customer role name: a delegated Global Administrator. */
const contosoDelegatedGlobalAdmin = partnerUser([], {
  tenantId: CONTOSO,
  tenantName: 'Contoso',
  roles: ['GlobalAdmin'],
});
const litwareAdmin = partnerUser(['AdminAgent'], { tenantId: LITWARE, tenantName: 'Litware' });
const fabrikamAdmin = customerGlobalAdmin({ tenantId: FABRIKAM, tenantName: 'Fabrikam' });
const fabrikamUserAdmin = customerUser(['UserAdministrator'], { tenantId: FABRIKAM });
const fabrikamOlga = customerUser([], { tenantId: FABRIKAM, userId: 'olga' });
const northwindAdmin = customerGlobalAdmin({
  tenantId: NORTHWIND,
  tenantName: 'Northwind',
  tenantDomain: 'northwind.onmicrosoft.com',
});
/** Same user id as Fabrikam's Olga, in another customer tenant. */
const northwindOlga = customerUser([], { tenantId: NORTHWIND, userId: 'olga' });
const operator: Actor = {
  userId: 'op-1',
  name: 'Otto Operator',
  tenantId: 'operator',
  tenantKind: 'operator',
  roles: ['Operator'],
};

const contosoAdmins: Principal = {
  kind: 'PARTNER_GROUP',
  partnerTenantId: CONTOSO,
  group: 'ADMIN_AGENTS',
};
const contosoHelpdesks: Principal = {
  kind: 'PARTNER_GROUP',
  partnerTenantId: CONTOSO,
  group: 'HELPDESK_AGENTS',
};
const litwareAdmins: Principal = {
  kind: 'PARTNER_GROUP',
  partnerTenantId: LITWARE,
  group: 'ADMIN_AGENTS',
};
const userPrincipal = (userId: string): Principal => ({ kind: 'CUSTOMER_USER', userId });

const provision = (actor: Actor = contosoAdmin, displayName = 'Prod'): Command => ({
  type: 'ProvisionAzureSubscription',
  actor,
  subscriptionId: PROD,
  ownerAssignmentId: OWNER_ASSIGNMENT,
  customerTenantId: FABRIKAM,
  displayName,
});
const register = (actor: Actor = fabrikamAdmin, displayName = 'Fabrikam own'): Command => ({
  type: 'RegisterAzureSubscription',
  actor,
  subscriptionId: OWN,
  displayName,
});
const assign = (
  actor: Actor,
  principal: Principal,
  role: AzureRole,
  assignmentId = 'asg-new',
): Command => ({
  type: 'AssignSubscriptionRole',
  actor,
  subscriptionId: PROD,
  assignmentId,
  principal,
  role,
});
const unassign = (actor: Actor, assignmentId: string): Command => ({
  type: 'RemoveSubscriptionRoleAssignment',
  actor,
  subscriptionId: PROD,
  assignmentId,
});
const cancel = (actor: Actor): Command => ({
  type: 'CancelAzureSubscription',
  actor,
  subscriptionId: PROD,
});

// Given histories are literal events, as the subscription's stream records them.
const ROLE_DEFINITION_IDS: Record<AzureRole, string> = {
  OWNER: OWNER_ID,
  CONTRIBUTOR: CONTRIBUTOR_ID,
  READER: READER_ID,
  USER_ACCESS_ADMINISTRATOR: UAA_ID,
};
const assignmentData = (
  assignmentId: string,
  principal: Principal,
  role: AzureRole,
  subscriptionId: string,
) => ({
  subscriptionId,
  customerTenantId: FABRIKAM,
  assignmentId,
  role,
  roleDefinitionId: ROLE_DEFINITION_IDS[role],
  principal,
  ...(principal.kind === 'PARTNER_GROUP' ? { partnerTenantId: principal.partnerTenantId } : {}),
});
const roleAssigned = (
  assignmentId: string,
  principal: Principal,
  role: AzureRole,
  subscriptionId = PROD,
): Event => ({
  type: 'SubscriptionRoleAssigned',
  data: assignmentData(assignmentId, principal, role, subscriptionId),
});
const roleRemoved = (assignmentId: string, principal: Principal, role: AzureRole): Event => ({
  type: 'SubscriptionRoleAssignmentRemoved',
  data: assignmentData(assignmentId, principal, role, PROD),
});
const provisionedByContoso: Event = {
  type: 'AzureSubscriptionProvisioned',
  data: {
    subscriptionId: PROD,
    customerTenantId: FABRIKAM,
    displayName: 'Prod',
    partnerTenantId: CONTOSO,
    partnerName: 'Contoso',
  },
};
const cancelled: Event = {
  type: 'AzureSubscriptionCancelled',
  data: { subscriptionId: PROD, customerTenantId: FABRIKAM, partnerTenantId: CONTOSO },
};

/** Contoso provisioned PROD: its Admin Agents hold Owner (R22). */
const provisioned = (): Event[] => [
  provisionedByContoso,
  roleAssigned(OWNER_ASSIGNMENT, contosoAdmins, 'OWNER'),
];
/** ...and then Fabrikam's Global admin removed that Owner assignment. */
const provisionedOwnerRemoved = (): Event[] => [
  ...provisioned(),
  roleRemoved(OWNER_ASSIGNMENT, contosoAdmins, 'OWNER'),
];
const registered = (): Event[] => [
  {
    type: 'AzureSubscriptionRegistered',
    data: { subscriptionId: OWN, displayName: 'Fabrikam own', customerTenantId: FABRIKAM },
  },
];
/** Fabrikam's own subscription, on which its Global admin gave `principal` the role `role`. */
const registeredWith = (principal: Principal, role: AzureRole): Event[] => [
  ...registered(),
  roleAssigned('asg-granted', principal, role, OWN),
];

type Existing = Extract<SubscriptionRbacState, { exists: true }>;
function existing(events: readonly Event[]): Existing {
  const state = fold(subscriptionRbacDecider, events);
  if (!state.exists) throw new Error('the history does not create a subscription');
  return state;
}

const ownerOfContoso = {
  assignmentId: OWNER_ASSIGNMENT,
  role: 'OWNER',
  roleDefinitionId: OWNER_ID,
  principal: contosoAdmins,
};

// Relationship and DapGrant histories of the (Contoso, Fabrikam) pair.
const fabrikamIdentity = {
  tenantId: FABRIKAM,
  name: 'Fabrikam',
  domain: 'fabrikam.onmicrosoft.com',
};
const establish = (invitationId: string): RelationshipCommand => ({
  type: 'EstablishRelationship',
  invitationId,
  partnerTenantId: CONTOSO,
  partnerName: 'Contoso',
  customer: fabrikamIdentity,
});
const link = (actor: Actor, subscriptionId = PROD): RelationshipCommand => ({
  type: 'LinkAzureSubscription',
  actor,
  partnerTenantId: CONTOSO,
  customerTenantId: FABRIKAM,
  subscriptionId,
});
const end = (
  actor: Actor,
  activeProvisionedSubscriptionIds: string[] = [],
  atRevision = 0,
): RelationshipCommand => ({
  type: 'EndResellerRelationship',
  actor,
  partnerTenantId: CONTOSO,
  customerTenantId: FABRIKAM,
  activeProvisionedSubscriptionIds,
  atRevision,
});
const established = (invitationId: string): RelationshipEvent => ({
  type: 'RelationshipEstablished',
  data: {
    partnerTenantId: CONTOSO,
    customerTenantId: FABRIKAM,
    partnerName: 'Contoso',
    customer: fabrikamIdentity,
    invitationId,
  },
});
const linked = (subscriptionId: string): RelationshipEvent => ({
  type: 'AzureSubscriptionLinked',
  data: { partnerTenantId: CONTOSO, customerTenantId: FABRIKAM, subscriptionId },
});
const relationshipEnded: RelationshipEvent = {
  type: 'RelationshipEnded',
  data: { partnerTenantId: CONTOSO, customerTenantId: FABRIKAM },
};
const activeRelationship = (): RelationshipEvent[] => [established('inv-1')];
const endedRelationship = (): RelationshipEvent[] => [established('inv-1'), relationshipEnded];

const removeDap: DapGrantCommand = {
  type: 'RemoveDelegatedAdminPrivileges',
  actor: fabrikamAdmin,
  partnerTenantId: CONTOSO,
  customerTenantId: FABRIKAM,
  confirm: true,
  relationshipActive: true,
};
const revokeDap: DapGrantCommand = {
  type: 'RevokeDelegatedAdminOnRelationshipEnd',
  partnerTenantId: CONTOSO,
  customerTenantId: FABRIKAM,
};
const dapGranted: DapGrantEvent = {
  type: 'DelegatedAdminGranted',
  data: {
    partnerTenantId: CONTOSO,
    partnerName: 'Contoso',
    customerTenantId: FABRIKAM,
    customerName: 'Fabrikam',
    invitationId: 'inv-1',
    roles: [
      {
        group: 'ADMIN_AGENTS',
        role: 'Global Administrator',
        roleTemplateId: '62e90394-69f5-4237-9190-012177145e10',
      },
      {
        group: 'HELPDESK_AGENTS',
        role: 'Helpdesk Administrator',
        roleTemplateId: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
      },
    ],
  },
};
const dapRemovedByCustomer: DapGrantEvent = {
  type: 'DelegatedAdminRemoved',
  data: { partnerTenantId: CONTOSO, customerTenantId: FABRIKAM, reason: 'REMOVED_BY_CUSTOMER' },
};

describe('SubscriptionRbac decider', () => {
  describe('R20: role assignments', () => {
    it.each([
      ['OWNER', OWNER_ID],
      ['CONTRIBUTOR', CONTRIBUTOR_ID],
      ['READER', READER_ID],
      ['USER_ACCESS_ADMINISTRATOR', UAA_ID],
    ] as const)(
      'R20: %s is assigned to a PARTNER_GROUP with Azure’s role definition id %s',
      (role, roleDefinitionId) => {
        const events = given(subscriptionRbacDecider, registered())
          .when(assign(fabrikamAdmin, contosoAdmins, role, 'asg-1'), at(DAY))
          .events();

        expect(events).toStrictEqual([
          {
            type: 'SubscriptionRoleAssigned',
            data: {
              subscriptionId: OWN,
              customerTenantId: FABRIKAM,
              assignmentId: 'asg-1',
              role,
              roleDefinitionId,
              principal: contosoAdmins,
              partnerTenantId: CONTOSO,
            },
          },
        ]);
        expect(existing([...registered(), ...events]).assignments).toStrictEqual([
          { assignmentId: 'asg-1', role, roleDefinitionId, principal: contosoAdmins },
        ]);
      },
    );

    it.each([
      ['OWNER', OWNER_ID],
      ['CONTRIBUTOR', CONTRIBUTOR_ID],
      ['READER', READER_ID],
      ['USER_ACCESS_ADMINISTRATOR', UAA_ID],
    ] as const)(
      'R20: %s is assigned to a CUSTOMER_USER with id %s, naming no partner',
      (role, roleDefinitionId) => {
        const events = given(subscriptionRbacDecider, provisioned())
          .when(assign(fabrikamAdmin, userPrincipal('olga'), role, 'asg-olga'), at(DAY))
          .events();

        expect(events).toStrictEqual([
          {
            type: 'SubscriptionRoleAssigned',
            data: {
              subscriptionId: PROD,
              customerTenantId: FABRIKAM,
              assignmentId: 'asg-olga',
              role,
              roleDefinitionId,
              principal: { kind: 'CUSTOMER_USER', userId: 'olga' },
            },
          },
        ]);
      },
    );

    it('R20: principal ids are trimmed before they are recorded', () => {
      const events = given(subscriptionRbacDecider, registered())
        .when(
          assign(
            fabrikamAdmin,
            { kind: 'PARTNER_GROUP', partnerTenantId: ` ${CONTOSO} `, group: 'ADMIN_AGENTS' },
            'READER',
          ),
          at(DAY),
        )
        .events();

      expect(events[0]).toMatchObject({ data: { principal: contosoAdmins } });
    });

    it.each([
      ['PARTNER_GROUP without partnerTenantId', { kind: 'PARTNER_GROUP', group: 'ADMIN_AGENTS' }],
      [
        'PARTNER_GROUP with a blank partnerTenantId',
        { kind: 'PARTNER_GROUP', partnerTenantId: '  ', group: 'ADMIN_AGENTS' },
      ],
      ['PARTNER_GROUP without group', { kind: 'PARTNER_GROUP', partnerTenantId: CONTOSO }],
      ['CUSTOMER_USER without userId', { kind: 'CUSTOMER_USER' }],
      ['CUSTOMER_USER with a blank userId', { kind: 'CUSTOMER_USER', userId: ' \t ' }],
      [
        'PARTNER_GROUP of the customer’s own tenant',
        { kind: 'PARTNER_GROUP', partnerTenantId: FABRIKAM, group: 'ADMIN_AGENTS' },
      ],
      [
        'PARTNER_GROUP of the Operator’s tenant',
        { kind: 'PARTNER_GROUP', partnerTenantId: 'operator', group: 'ADMIN_AGENTS' },
      ],
      [
        'PARTNER_GROUP of the product’s own tenant',
        { kind: 'PARTNER_GROUP', partnerTenantId: 'partner-ledger', group: 'HELPDESK_AGENTS' },
      ],
    ])('R20: a %s is invalid input', (_what, principal) => {
      given(subscriptionRbacDecider, registered())
        .when(assign(fabrikamAdmin, principal as unknown as Principal, 'READER'), at(DAY))
        .thenThrows('INVALID_INPUT', 'R20');
    });

    it('R20: Owner for Contoso’s Admin Agents a second time is a conflict naming the existing assignment', () => {
      const error = given(subscriptionRbacDecider, provisioned())
        .when(assign(fabrikamAdmin, contosoAdmins, 'OWNER'), at(DAY))
        .thenThrows('CONFLICT', 'R20');

      expect(error.message).toContain(OWNER_ASSIGNMENT);
    });

    it('R20, R17: a partner Owner assigning a customer user’s role again is told it is held, not the assignment’s id it may not see', () => {
      const history = [
        ...provisioned(),
        roleAssigned('asg-olga-owner', userPrincipal('olga'), 'OWNER'),
      ];
      const error = given(subscriptionRbacDecider, history)
        .when(assign(contosoAdmin, userPrincipal('olga'), 'OWNER'), at(DAY))
        .thenThrows('CONFLICT', 'R20');

      expect(error.message).not.toContain('asg-olga-owner');
    });

    it.each([
      ['already holds that role', [roleAssigned('asg-litware-owner', litwareAdmins, 'OWNER')]],
      ['holds no role', []],
    ])(
      'R17: a partner Owner giving another partner’s group a role is refused the same way whether that group %s',
      (_what, assignments) => {
        given(subscriptionRbacDecider, [...provisioned(), ...assignments])
          .when(assign(contosoAdmin, litwareAdmins, 'OWNER'), at(DAY))
          .thenThrows('FORBIDDEN', 'R17');
      },
    );

    it.each([
      ['another partner’s group', litwareAdmins],
      ['a customer user', userPrincipal('olga')],
    ])(
      'R17: a partner Owner removing an assignment of %s it may not see is told there is none, as for an unknown id',
      (_what, principal) => {
        const history = [...provisioned(), roleAssigned('asg-hidden', principal, 'READER')];
        const hidden = given(subscriptionRbacDecider, history)
          .when(unassign(contosoAdmin, 'asg-hidden'), at(DAY))
          .thenThrows('NOT_FOUND', undefined);
        const unknown = given(subscriptionRbacDecider, history)
          .when(unassign(contosoAdmin, 'asg-unknown'), at(DAY))
          .thenThrows('NOT_FOUND', undefined);

        expect(hidden.message).toBe(unknown.message);
      },
    );

    it('R17: a partner Owner gives its own other group a role', () => {
      const events = given(subscriptionRbacDecider, provisioned())
        .when(assign(contosoAdmin, contosoHelpdesks, 'READER'), at(DAY))
        .events();

      expect(events.map((event) => event.type)).toEqual(['SubscriptionRoleAssigned']);
    });

    it('R20: the same customer user and role twice is a conflict, even with surrounding spaces', () => {
      given(subscriptionRbacDecider, registeredWith(userPrincipal('olga'), 'READER'))
        .when(assign(fabrikamAdmin, userPrincipal(' olga '), 'READER'), at(2 * DAY))
        .thenThrows('CONFLICT', 'R20');
    });

    it.each([
      ['the same group with another role', contosoAdmins, 'CONTRIBUTOR'],
      ['the other group of the same partner with the same role', contosoHelpdesks, 'OWNER'],
      ['the same group name of another partner with the same role', litwareAdmins, 'OWNER'],
      ['a customer user with the same role', userPrincipal('olga'), 'OWNER'],
    ] as const)('R20: %s is no conflict', (_what, principal, role) => {
      const events = given(subscriptionRbacDecider, provisioned())
        .when(assign(fabrikamAdmin, principal, role), at(DAY))
        .events();

      expect(events.map((event) => event.type)).toEqual(['SubscriptionRoleAssigned']);
    });

    it('R20: removing an assignment records it whole, and the subscription no longer has it', () => {
      const events = given(subscriptionRbacDecider, provisioned())
        .when(unassign(fabrikamAdmin, OWNER_ASSIGNMENT), at(DAY))
        .events();

      expect(events).toStrictEqual([
        {
          type: 'SubscriptionRoleAssignmentRemoved',
          data: {
            subscriptionId: PROD,
            customerTenantId: FABRIKAM,
            assignmentId: OWNER_ASSIGNMENT,
            role: 'OWNER',
            roleDefinitionId: OWNER_ID,
            principal: contosoAdmins,
            partnerTenantId: CONTOSO,
          },
        },
      ]);
      expect(existing([...provisioned(), ...events]).assignments).toEqual([]);
    });

    it('R70: removing a partner’s assignments takes every one its groups hold as the stream has them, and no one else’s', () => {
      const history = [
        ...provisioned(),
        roleAssigned('asg-helpdesk-uaa', contosoHelpdesks, 'USER_ACCESS_ADMINISTRATOR'),
        roleAssigned('asg-litware', litwareAdmins, 'READER'),
        roleAssigned('asg-olga', userPrincipal('olga'), 'READER'),
      ];
      const removeContoso: Command = {
        type: 'RemovePartnerRoleAssignments',
        actor: fabrikamAdmin,
        subscriptionId: PROD,
        partnerTenantId: CONTOSO,
      };
      const events = given(subscriptionRbacDecider, history).when(removeContoso, at(DAY)).events();

      expect(events).toEqual([
        roleRemoved(OWNER_ASSIGNMENT, contosoAdmins, 'OWNER'),
        roleRemoved('asg-helpdesk-uaa', contosoHelpdesks, 'USER_ACCESS_ADMINISTRATOR'),
      ]);
      expect(existing([...history, ...events]).assignments.map((a) => a.assignmentId)).toEqual([
        'asg-litware',
        'asg-olga',
      ]);
      // Once done, nothing is left to remove; and only who manages access may ask.
      given(subscriptionRbacDecider, [...history, ...events])
        .when(removeContoso, at(2 * DAY))
        .thenNothing();
      given(subscriptionRbacDecider, history)
        .when({ ...removeContoso, actor: contosoSales }, at(DAY))
        .thenThrows('FORBIDDEN', 'R24');
    });

    it('R70: a role the customer gave the partner’s groups again after asking is left alone', () => {
      const history = [
        ...provisioned(),
        roleAssigned('asg-given-again', contosoHelpdesks, 'READER'),
      ];
      const events = given(subscriptionRbacDecider, history)
        .when(
          {
            type: 'RemovePartnerRoleAssignments',
            actor: fabrikamAdmin,
            subscriptionId: PROD,
            partnerTenantId: CONTOSO,
            keepAssignmentIds: ['asg-given-again'],
          },
          at(DAY),
        )
        .events();

      expect(events).toEqual([roleRemoved(OWNER_ASSIGNMENT, contosoAdmins, 'OWNER')]);
    });

    it('R9, R22: an id linked but never provisioned is voided once, and its provisioning is then refused; a provisioned one is left alone', () => {
      const voidIt: Command = {
        type: 'VoidUnfinishedProvisioning',
        actor: contosoAdmin,
        subscriptionId: PROD,
        customerTenantId: FABRIKAM,
        partnerTenantId: CONTOSO,
      };
      const voided = given(subscriptionRbacDecider, []).when(voidIt, at(DAY)).events();
      expect(voided).toEqual([
        {
          type: 'AzureSubscriptionProvisioningVoided',
          data: { subscriptionId: PROD, customerTenantId: FABRIKAM, partnerTenantId: CONTOSO },
        },
      ]);
      given(subscriptionRbacDecider, voided).when(voidIt, at(DAY)).thenNothing();
      given(subscriptionRbacDecider, voided)
        .when(provision(contosoAdmin), at(DAY))
        .thenThrows('PRECONDITION_FAILED', 'R22');
      given(subscriptionRbacDecider, provisioned()).when(voidIt, at(DAY)).thenNothing();
    });

    it('R20: removing an assignment the subscription does not have is not found', () => {
      given(subscriptionRbacDecider, provisioned())
        .when(unassign(fabrikamAdmin, 'asg-unknown'), at(DAY))
        .thenThrows('NOT_FOUND', undefined);
    });

    it('R20: removing an assignment that was already removed is not found', () => {
      given(subscriptionRbacDecider, provisionedOwnerRemoved())
        .when(unassign(fabrikamAdmin, OWNER_ASSIGNMENT), at(2 * DAY))
        .thenThrows('NOT_FOUND', undefined);
    });

    describe.each([
      ['provisioning', (name: string) => provision(contosoAdmin, name)],
      ['registering', (name: string) => register(fabrikamAdmin, name)],
    ])('R20: display names when %s', (_what, command) => {
      it.each([
        ['empty', ''],
        ['blank', ' \t\n '],
        ['nothing but zero-width characters', '\u200b\u2060 \ufeff'],
        ['65 characters long', 'x'.repeat(65)],
        ['holding a text-direction override', 'Prod\u202etxt.exe'],
        ['holding a control character', 'Prod\u0000Dev'],
      ])('R20: a display name that is %s is invalid input', (_how, name) => {
        given(subscriptionRbacDecider).when(command(name), T0).thenThrows('INVALID_INPUT', 'R20');
      });

      it('R20: a display name of 64 characters is trimmed and accepted', () => {
        const name = 'n'.repeat(64);
        const events = given(subscriptionRbacDecider)
          .when(command(`  ${name}\t`), T0)
          .events();

        expect(events[0]).toMatchObject({ data: { displayName: name } });
        expect(existing(events).displayName).toBe(name);
      });
    });

    it('R20: provisioning or registering an id that already exists is a conflict', () => {
      given(subscriptionRbacDecider, provisioned())
        .when(provision(), at(DAY))
        .thenThrows('CONFLICT', undefined);
      given(subscriptionRbacDecider, registered())
        .when(register(), at(DAY))
        .thenThrows('CONFLICT', undefined);
    });
  });

  describe('R21: subscriptions the customer registered itself', () => {
    it('R21: a customer Global admin registers a subscription with no role assignments and no partner', () => {
      const events = given(subscriptionRbacDecider).when(register(), T0).events();

      expect(events).toStrictEqual([
        {
          type: 'AzureSubscriptionRegistered',
          data: { subscriptionId: OWN, displayName: 'Fabrikam own', customerTenantId: FABRIKAM },
        },
      ]);
      const state = existing(events);
      expect(state.assignments).toEqual([]);
      expect(state.provisionedByPartnerTenantId).toBeNull();
      expect(state.customerTenantId).toBe(FABRIKAM);
    });

    it('R21: DAP is no input of a subscription: its state knows only the subscription and its own assignments', () => {
      expect(Object.keys(existing(registered())).sort()).toEqual([
        'assignments',
        'cancelled',
        'customerTenantId',
        'displayName',
        'exists',
        'provisionedByPartnerTenantId',
        'subscriptionId',
      ]);
    });

    const partners: [string, Actor][] = [
      ['a Contoso AdminAgent', contosoAdmin],
      ['a Contoso SalesAgent', contosoSales],
      ['a Contoso HelpdeskAgent', contosoHelpdesk],
      [
        'a Contoso user carrying GlobalAdmin (delegated Global Administrator)',
        contosoDelegatedGlobalAdmin,
      ],
      ['a Litware AdminAgent', litwareAdmin],
    ];
    const attempts: [string, Command['type'], (actor: Actor) => Command][] = [
      [
        'assign Owner to its own Admin Agents',
        'AssignSubscriptionRole',
        (actor) => assign(actor, contosoAdmins, 'OWNER'),
      ],
      [
        'assign Reader to a customer user',
        'AssignSubscriptionRole',
        (actor) => assign(actor, userPrincipal('olga'), 'READER'),
      ],
      [
        'remove an assignment',
        'RemoveSubscriptionRoleAssignment',
        (actor) => unassign(actor, 'asg-granted'),
      ],
      ['cancel it', 'CancelAzureSubscription', (actor) => cancel(actor)],
    ];
    it.each(
      partners.flatMap(([who, actor]) =>
        attempts.map(([what, type, command]) => [who, what, type, actor, command] as const),
      ),
    )(
      'R21: %s cannot see the customer’s own subscription: %s is not found',
      (_who, _what, type, actor, command) => {
        const history = registeredWith(userPrincipal('olga'), 'READER');
        const attempt = command(actor);
        expect(attempt.type).toBe(type);

        given(subscriptionRbacDecider, history)
          .when(attempt, at(2 * DAY))
          .thenThrows('NOT_FOUND', undefined);
      },
    );

    it.each([
      ['a partner AdminAgent', contosoAdmin],
      ['a partner user carrying GlobalAdmin', contosoDelegatedGlobalAdmin],
      [
        'a partner user carrying GlobalAdmin with the customer’s tenant id',
        partnerUser([], { tenantId: FABRIKAM, roles: ['GlobalAdmin'] }),
      ],
      ['a customer user without GlobalAdmin', fabrikamUserAdmin],
      ['the Operator', operator],
    ])('R24: %s may not register a subscription', (_who, actor) => {
      given(subscriptionRbacDecider).when(register(actor), T0).thenThrows('FORBIDDEN', 'R24');
    });
  });

  describe('R22: provisioning', () => {
    it('R22: provisioning decides the subscription and Owner for the partner’s Admin Agents in one decision', () => {
      const events = given(subscriptionRbacDecider).when(provision(), T0).events();

      expect(events).toStrictEqual([
        {
          type: 'AzureSubscriptionProvisioned',
          data: {
            subscriptionId: PROD,
            customerTenantId: FABRIKAM,
            displayName: 'Prod',
            partnerTenantId: CONTOSO,
            partnerName: 'Contoso',
          },
        },
        {
          type: 'SubscriptionRoleAssigned',
          data: {
            subscriptionId: PROD,
            customerTenantId: FABRIKAM,
            assignmentId: OWNER_ASSIGNMENT,
            role: 'OWNER',
            roleDefinitionId: OWNER_ID,
            principal: contosoAdmins,
            partnerTenantId: CONTOSO,
          },
        },
      ]);
      const state = existing(events);
      expect(state.provisionedByPartnerTenantId).toBe(CONTOSO);
      expect(state.assignments).toStrictEqual([ownerOfContoso]);
    });

    it('R22: when a SalesAgent provisions, Owner still goes to the partner’s Admin Agents group, not to the user', () => {
      const events = given(subscriptionRbacDecider).when(provision(contosoSales), T0).events();

      expect(events.map((event) => event.type)).toEqual([
        'AzureSubscriptionProvisioned',
        'SubscriptionRoleAssigned',
      ]);
      expect(events[1]).toMatchObject({
        data: { role: 'OWNER', roleDefinitionId: OWNER_ID, principal: contosoAdmins },
      });
    });

    it.each([
      ['AdminAgent', contosoAdmin],
      ['SalesAgent', contosoSales],
    ])('R22: a %s with an active relationship links the new subscription to it', (_role, actor) => {
      const events = given(relationshipDecider, activeRelationship())
        .when(link(actor), at(DAY))
        .events();

      expect(events).toStrictEqual([
        {
          type: 'AzureSubscriptionLinked',
          data: { partnerTenantId: CONTOSO, customerTenantId: FABRIKAM, subscriptionId: PROD },
        },
      ]);
      expect(
        fold(relationshipDecider, [...activeRelationship(), ...events]).linkedSubscriptionIds,
      ).toEqual([PROD]);
    });

    it.each([
      ['a HelpdeskAgent', contosoHelpdesk],
      ['a partner user with no partner role', contosoNoRole],
      ['a partner user carrying GlobalAdmin', contosoDelegatedGlobalAdmin],
    ])('R22: %s may not provision, even with an active relationship', (_who, actor) => {
      given(relationshipDecider, activeRelationship())
        .when(link(actor), at(DAY))
        .thenThrows('FORBIDDEN', 'R22');
    });

    it.each([
      ['AdminAgent', 'never had', contosoAdmin, (): RelationshipEvent[] => []],
      ['SalesAgent', 'never had', contosoSales, (): RelationshipEvent[] => []],
      ['AdminAgent', 'ended', contosoAdmin, endedRelationship],
      ['SalesAgent', 'ended', contosoSales, endedRelationship],
    ])(
      'R22: a %s whose partner %s a relationship with the customer fails the precondition',
      (_role, _how, actor, history) => {
        given(relationshipDecider, history())
          .when(link(actor), at(2 * DAY))
          .thenThrows('PRECONDITION_FAILED', 'R22');
      },
    );

    it.each([
      ['an AdminAgent of another partner', litwareAdmin],
      ['the customer’s Global admin', fabrikamAdmin],
    ])('R22: %s may not provision on this partner’s relationship', (_who, actor) => {
      given(relationshipDecider, activeRelationship())
        .when(link(actor), at(DAY))
        .thenThrows('FORBIDDEN', 'R22');
    });
  });

  describe('R23: removing DAP leaves subscription roles in place', () => {
    it('R23: DAP removal decides only DelegatedAdminRemoved; the Admin Agents keep Owner and still assign roles', () => {
      const granted = [dapGranted];
      const removal = given(dapGrantDecider, granted).when(removeDap, at(DAY)).events();
      expect(removal).toStrictEqual([dapRemovedByCustomer]);
      expect(fold(dapGrantDecider, [...granted, ...removal]).status).toBe('REMOVED');

      const scenario = given(subscriptionRbacDecider, provisioned());
      expect(existing(provisioned()).assignments).toStrictEqual([ownerOfContoso]);
      const events = scenario
        .when(assign(contosoAdmin, contosoHelpdesks, 'READER', 'asg-helpdesk'), at(2 * DAY))
        .events();

      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        type: 'SubscriptionRoleAssigned',
        data: { assignmentId: 'asg-helpdesk', role: 'READER', principal: contosoHelpdesks },
      });
      expect(
        partnerRoleOnSubscription(
          'ADMIN_AGENT',
          CONTOSO,
          'MANAGE_SUBSCRIPTION',
          scenario.state as Existing,
        ),
      ).toMatchObject({ allowed: true, rule: 'R25' });
    });

    it('R23: after the customer removes the partner’s last assignment, its AdminAgent is refused', () => {
      const history = provisionedOwnerRemoved();
      expect(existing(history).assignments).toEqual([]);

      given(subscriptionRbacDecider, history)
        .when(assign(contosoAdmin, contosoAdmins, 'OWNER'), at(2 * DAY))
        .thenThrows('FORBIDDEN', 'R24');
      expect(
        partnerRoleOnSubscription('ADMIN_AGENT', CONTOSO, 'MANAGE_SUBSCRIPTION', existing(history)),
      ).toMatchObject({ allowed: false, rule: 'R21' });
    });

    it('R23: holding Contributor after its Owner assignment is removed, the partner still manages resources, not access', () => {
      const history = [
        ...provisioned(),
        roleAssigned('asg-contributor', contosoAdmins, 'CONTRIBUTOR'),
        roleRemoved(OWNER_ASSIGNMENT, contosoAdmins, 'OWNER'),
      ];
      const subscription = existing(history);
      expect(subscription.assignments.map((a) => a.role)).toEqual(['CONTRIBUTOR']);

      expect(
        partnerRoleOnSubscription('ADMIN_AGENT', CONTOSO, 'MANAGE_SUBSCRIPTION', subscription),
      ).toMatchObject({ allowed: true, rule: 'R25' });
      given(subscriptionRbacDecider, history)
        .when(unassign(contosoAdmin, 'asg-contributor'), at(3 * DAY))
        .thenThrows('FORBIDDEN', 'R24');
    });
  });

  describe('R24: who adds and removes role assignments', () => {
    it.each([
      ['provisioned by the partner', provisioned, PROD],
      ['registered by the customer', registered, OWN],
    ])(
      'R24: the customer’s own Global admin adds and removes assignments on a subscription %s',
      (_how, history, subscriptionId) => {
        const added = given(subscriptionRbacDecider, history())
          .when(assign(fabrikamAdmin, userPrincipal('olga'), 'CONTRIBUTOR', 'asg-olga'), at(DAY))
          .events();
        expect(added).toMatchObject([
          { type: 'SubscriptionRoleAssigned', data: { subscriptionId, assignmentId: 'asg-olga' } },
        ]);

        const removed = given(subscriptionRbacDecider, [...history(), ...added])
          .when(unassign(fabrikamAdmin, 'asg-olga'), at(2 * DAY))
          .events();
        expect(removed).toMatchObject([
          {
            type: 'SubscriptionRoleAssignmentRemoved',
            data: { subscriptionId, assignmentId: 'asg-olga' },
          },
        ]);
      },
    );

    it.each([
      ['assign', (actor: Actor) => assign(actor, userPrincipal('nina'), 'READER')],
      ['remove', (actor: Actor) => unassign(actor, OWNER_ASSIGNMENT)],
    ])('R24: a Global admin of another customer cannot %s: not found', (_what, command) => {
      given(subscriptionRbacDecider, provisioned())
        .when(command(northwindAdmin), at(DAY))
        .thenThrows('NOT_FOUND', undefined);
    });

    it('R24: a user of another customer with the same user id as an Owner cannot see the subscription', () => {
      given(subscriptionRbacDecider, registeredWith(userPrincipal('olga'), 'OWNER'))
        .when(assign(northwindOlga, userPrincipal('nina'), 'READER'), at(2 * DAY))
        .thenThrows('NOT_FOUND', undefined);
    });

    it.each(['OWNER', 'USER_ACCESS_ADMINISTRATOR'] as const)(
      'R24: a customer user holding %s adds and removes assignments',
      (role) => {
        const history = registeredWith(userPrincipal(fabrikamOlga.userId), role);

        expect(
          given(subscriptionRbacDecider, history)
            .when(assign(fabrikamOlga, userPrincipal('nina'), 'READER'), at(2 * DAY))
            .events()
            .map((event) => event.type),
        ).toEqual(['SubscriptionRoleAssigned']);
        expect(
          given(subscriptionRbacDecider, history)
            .when(unassign(fabrikamOlga, 'asg-granted'), at(2 * DAY))
            .events()
            .map((event) => event.type),
        ).toEqual(['SubscriptionRoleAssignmentRemoved']);
      },
    );

    it.each(['CONTRIBUTOR', 'READER'] as const)(
      'R24: a customer user holding only %s may neither add nor remove assignments',
      (role) => {
        const history = registeredWith(userPrincipal(fabrikamOlga.userId), role);

        given(subscriptionRbacDecider, history)
          .when(assign(fabrikamOlga, userPrincipal('nina'), 'READER'), at(2 * DAY))
          .thenThrows('FORBIDDEN', 'R24');
        given(subscriptionRbacDecider, history)
          .when(unassign(fabrikamOlga, 'asg-granted'), at(2 * DAY))
          .thenThrows('FORBIDDEN', 'R24');
      },
    );

    it('R24: a customer user holding no role, and not Global admin, may not add assignments', () => {
      given(subscriptionRbacDecider, registeredWith(userPrincipal('olga'), 'OWNER'))
        .when(assign(fabrikamUserAdmin, userPrincipal('nina'), 'READER'), at(2 * DAY))
        .thenThrows('FORBIDDEN', 'R24');
    });

    it.each(['OWNER', 'USER_ACCESS_ADMINISTRATOR'] as const)(
      'R24: a partner AdminAgent whose Admin Agents group holds %s adds and removes assignments',
      (role) => {
        const history = registeredWith(contosoAdmins, role);

        expect(
          given(subscriptionRbacDecider, history)
            .when(assign(contosoAdmin, userPrincipal('nina'), 'READER'), at(2 * DAY))
            .events()
            .map((event) => event.type),
        ).toEqual(['SubscriptionRoleAssigned']);
        expect(
          given(subscriptionRbacDecider, history)
            .when(unassign(contosoAdmin, 'asg-granted'), at(2 * DAY))
            .events()
            .map((event) => event.type),
        ).toEqual(['SubscriptionRoleAssignmentRemoved']);
      },
    );

    it.each(['CONTRIBUTOR', 'READER'] as const)(
      'R24: a partner AdminAgent whose Admin Agents group holds only %s may neither add nor remove assignments',
      (role) => {
        const history = registeredWith(contosoAdmins, role);

        given(subscriptionRbacDecider, history)
          .when(assign(contosoAdmin, userPrincipal('nina'), 'READER'), at(2 * DAY))
          .thenThrows('FORBIDDEN', 'R24');
        given(subscriptionRbacDecider, history)
          .when(unassign(contosoAdmin, 'asg-granted'), at(2 * DAY))
          .thenThrows('FORBIDDEN', 'R24');
      },
    );

    it('R24: the Admin Agents’ Owner gives a HelpdeskAgent nothing; the Helpdesk Agents’ own UAA does', () => {
      given(subscriptionRbacDecider, provisioned())
        .when(assign(contosoHelpdesk, userPrincipal('nina'), 'READER'), at(DAY))
        .thenThrows('FORBIDDEN', 'R24');

      const history = [
        ...provisioned(),
        roleAssigned('asg-helpdesk', contosoHelpdesks, 'USER_ACCESS_ADMINISTRATOR'),
      ];
      expect(
        given(subscriptionRbacDecider, history)
          .when(assign(contosoHelpdesk, userPrincipal('nina'), 'READER'), at(2 * DAY))
          .events()
          .map((event) => event.type),
      ).toEqual(['SubscriptionRoleAssigned']);
    });

    it('R24: a SalesAgent of the provisioning partner sees the subscription but may not change its assignments', () => {
      given(subscriptionRbacDecider, provisioned())
        .when(assign(contosoSales, userPrincipal('nina'), 'READER'), at(DAY))
        .thenThrows('FORBIDDEN', 'R24');
    });

    it.each([
      ['GlobalAdmin only', contosoDelegatedGlobalAdmin],
      [
        'GlobalAdmin and SalesAgent',
        partnerUser(['SalesAgent'], { tenantId: CONTOSO, roles: ['GlobalAdmin', 'SalesAgent'] }),
      ],
    ])(
      'R24: a partner user whose token carries %s gets nothing from it: delegated Global Administrator does not count',
      (_roles, actor) => {
        const error = given(subscriptionRbacDecider, provisioned())
          .when(assign(actor, userPrincipal('nina'), 'READER'), at(DAY))
          .thenThrows('FORBIDDEN', 'R24');

        expect(error.message).toMatch(/delegated Global Administrator/);
      },
    );

    it('R24: another partner’s AdminAgent cannot see a subscription where it holds no role', () => {
      given(subscriptionRbacDecider, provisioned())
        .when(assign(litwareAdmin, litwareAdmins, 'OWNER'), at(DAY))
        .thenThrows('NOT_FOUND', undefined);
    });

    it('R24: the Operator sees the subscription but may not change its assignments', () => {
      given(subscriptionRbacDecider, provisioned())
        .when(assign(operator, userPrincipal('nina'), 'READER'), at(DAY))
        .thenThrows('FORBIDDEN', 'R24');
    });
  });

  describe('R25: what a role allows', () => {
    /** Written from RULES.md R25; UAA reads as Azure's built-in role does (its actions include `*\/read`). */
    const ROLE_ALLOWS: [AzureRole, SubscriptionAction, boolean][] = [
      ['OWNER', 'READ', true],
      ['OWNER', 'MANAGE_RESOURCES', true],
      ['OWNER', 'MANAGE_ACCESS', true],
      ['CONTRIBUTOR', 'READ', true],
      ['CONTRIBUTOR', 'MANAGE_RESOURCES', true],
      ['CONTRIBUTOR', 'MANAGE_ACCESS', false],
      ['READER', 'READ', true],
      ['READER', 'MANAGE_RESOURCES', false],
      ['READER', 'MANAGE_ACCESS', false],
      ['USER_ACCESS_ADMINISTRATOR', 'READ', true],
      ['USER_ACCESS_ADMINISTRATOR', 'MANAGE_RESOURCES', false],
      ['USER_ACCESS_ADMINISTRATOR', 'MANAGE_ACCESS', true],
    ];

    it.each(ROLE_ALLOWS)('R25: %s allows %s: %s', (role, action, allowed) => {
      expect(roleAllows(role, action)).toBe(allowed);
    });

    const facts = (...assignments: [Principal, AzureRole][]): SubscriptionFacts => ({
      subscriptionId: PROD,
      customerTenantId: FABRIKAM,
      provisionedByPartnerTenantId: CONTOSO,
      assignments: assignments.map(([principal, role], i) => ({
        assignmentId: `asg-${i}`,
        role,
        roleDefinitionId: `definition-of-${role}`,
        principal,
      })),
    });

    /**
     * Admin Agents holding one role (or none): may they manage the subscription's resources, and
     * its access? MANAGE_SUBSCRIPTION cites R25 when a role answers and R21 when none is held;
     * who may change role assignments is R24's question, so MANAGE_SUBSCRIPTION_ACCESS cites R24.
     */
    const PARTNER_TABLE: [
      AzureRole | 'no role',
      'MANAGE_SUBSCRIPTION' | 'MANAGE_SUBSCRIPTION_ACCESS',
      boolean,
      string,
    ][] = [
      ['OWNER', 'MANAGE_SUBSCRIPTION', true, 'R25'],
      ['OWNER', 'MANAGE_SUBSCRIPTION_ACCESS', true, 'R24'],
      ['CONTRIBUTOR', 'MANAGE_SUBSCRIPTION', true, 'R25'],
      ['CONTRIBUTOR', 'MANAGE_SUBSCRIPTION_ACCESS', false, 'R24'],
      ['READER', 'MANAGE_SUBSCRIPTION', false, 'R25'],
      ['READER', 'MANAGE_SUBSCRIPTION_ACCESS', false, 'R24'],
      ['USER_ACCESS_ADMINISTRATOR', 'MANAGE_SUBSCRIPTION', false, 'R25'],
      ['USER_ACCESS_ADMINISTRATOR', 'MANAGE_SUBSCRIPTION_ACCESS', true, 'R24'],
      ['no role', 'MANAGE_SUBSCRIPTION', false, 'R21'],
      ['no role', 'MANAGE_SUBSCRIPTION_ACCESS', false, 'R24'],
    ];

    it.each(PARTNER_TABLE)(
      'R25: Admin Agents holding %s, %s: allowed %s under %s',
      (held, capability, allowed, rule) => {
        const subscription =
          held === 'no role'
            ? facts()
            : facts([contosoAdmins, held], [userPrincipal('olga'), 'OWNER']);

        expect(
          partnerRoleOnSubscription('ADMIN_AGENT', CONTOSO, capability, subscription),
        ).toMatchObject({
          allowed,
          rule,
        });
      },
    );

    it.each(['MANAGE_SUBSCRIPTION', 'MANAGE_SUBSCRIPTION_ACCESS'] as const)(
      'R21, R22: Sales Agents refused %s where the Admin Agents are Owner are told no role is theirs, not that the partner holds none',
      (capability) => {
        const verdict = partnerRoleOnSubscription(
          'SALES_AGENT',
          CONTOSO,
          capability,
          facts([contosoAdmins, 'OWNER']),
        );

        expect(verdict).toMatchObject({
          allowed: false,
          rule: capability === 'MANAGE_SUBSCRIPTION' ? 'R21' : 'R24',
        });
        expect(verdict.reason).toMatch(
          /^Sales Agents have no group of their own, so no role on this subscription is theirs/,
        );
        expect(verdict.reason).not.toMatch(/partner holds no role/);
      },
    );

    it('R25: the reasons name the role that answers', () => {
      expect(
        partnerRoleOnSubscription(
          'ADMIN_AGENT',
          CONTOSO,
          'MANAGE_SUBSCRIPTION',
          facts([contosoAdmins, 'CONTRIBUTOR']),
        ).reason,
      ).toMatch(/Contributor/);
      expect(
        partnerRoleOnSubscription(
          'ADMIN_AGENT',
          CONTOSO,
          'MANAGE_SUBSCRIPTION',
          facts([contosoAdmins, 'READER']),
        ).reason,
      ).toMatch(/only Reader/);
      expect(
        partnerRoleOnSubscription('ADMIN_AGENT', CONTOSO, 'MANAGE_SUBSCRIPTION', facts()).reason,
      ).toMatch(/delegated admin privileges give no access/);
    });

    it('R25: Reader together with User Access Administrator manages access but not resources', () => {
      const subscription = facts(
        [contosoAdmins, 'READER'],
        [contosoAdmins, 'USER_ACCESS_ADMINISTRATOR'],
      );

      expect(
        partnerRoleOnSubscription(
          'ADMIN_AGENT',
          CONTOSO,
          'MANAGE_SUBSCRIPTION_ACCESS',
          subscription,
        ),
      ).toMatchObject({ allowed: true });
      expect(
        partnerRoleOnSubscription('ADMIN_AGENT', CONTOSO, 'MANAGE_SUBSCRIPTION', subscription),
      ).toMatchObject({ allowed: false, rule: 'R25' });
    });

    it('R25: another partner’s Admin Agents holding Owner give this partner nothing', () => {
      expect(
        partnerRoleOnSubscription(
          'ADMIN_AGENT',
          CONTOSO,
          'MANAGE_SUBSCRIPTION',
          facts([litwareAdmins, 'OWNER']),
        ),
      ).toMatchObject({ allowed: false, rule: 'R21' });
    });

    it.each(['OWNER', 'CONTRIBUTOR', 'READER', 'USER_ACCESS_ADMINISTRATOR'] as const)(
      'R25: a SalesAgent has no group, so %s held by both partner groups gives it no subscription rights',
      (role) => {
        const subscription = facts([contosoAdmins, role], [contosoHelpdesks, role]);

        expect(partnerRoleAzureRoles('SALES_AGENT', CONTOSO, subscription)).toEqual([]);
        expect(partnerRoleAzureRoles('ADMIN_AGENT', CONTOSO, subscription)).toEqual([role]);
        expect(
          partnerRoleOnSubscription('SALES_AGENT', CONTOSO, 'MANAGE_SUBSCRIPTION', subscription)
            .allowed,
        ).toBe(false);
        expect(
          partnerRoleOnSubscription(
            'SALES_AGENT',
            CONTOSO,
            'MANAGE_SUBSCRIPTION_ACCESS',
            subscription,
          ).allowed,
        ).toBe(false);
      },
    );
  });

  describe('R9: ending the reseller relationship', () => {
    const endStarted: RelationshipEvent = {
      type: 'RelationshipEndStarted',
      data: { partnerTenantId: CONTOSO, customerTenantId: FABRIKAM, factRevision: 0 },
    };

    it('R9, R50: an AdminAgent starts the end when the customer has no active subscription it provisioned, and ends it next', () => {
      const started = given(relationshipDecider, activeRelationship())
        .when(end(contosoAdmin, [], 0), at(DAY))
        .events();
      expect(started).toStrictEqual([endStarted]);
      const starting = fold(relationshipDecider, [...activeRelationship(), ...started]);
      expect(starting).toMatchObject({ active: true, ending: true });

      const events = given(relationshipDecider, [...activeRelationship(), endStarted])
        .when(end(contosoAdmin, [], 1), at(DAY))
        .events();
      expect(events).toStrictEqual([
        {
          type: 'RelationshipEnded',
          data: { partnerTenantId: CONTOSO, customerTenantId: FABRIKAM },
        },
      ]);
      const ended = fold(relationshipDecider, [...activeRelationship(), endStarted, ...events]);
      expect(ended).toMatchObject({ active: false, ending: false });
    });

    it('R22, R9: nothing is provisioned under a relationship whose end has started', () => {
      given(relationshipDecider, [...activeRelationship(), endStarted])
        .when(link(contosoAdmin, 'sub-late'), at(DAY))
        .thenThrows('PRECONDITION_FAILED', 'R22');
    });

    it('R9: only an AdminAgent of the partner finishes an end that has started', () => {
      given(relationshipDecider, [...activeRelationship(), endStarted])
        .when(end(contosoSales), at(DAY))
        .thenThrows('FORBIDDEN', 'R9');
    });

    it('R9: with active provisioned subscriptions the precondition fails, naming them', () => {
      const error = given(relationshipDecider, activeRelationship())
        .when(end(contosoAdmin, ['sub-a', 'sub-b']), at(DAY))
        .thenThrows('PRECONDITION_FAILED', 'R9');

      expect(error.message).toContain('sub-a');
      expect(error.message).toContain('sub-b');
    });

    it.each([
      ['a SalesAgent', contosoSales],
      ['a HelpdeskAgent', contosoHelpdesk],
      ['an AdminAgent of another partner', litwareAdmin],
      ['the customer’s Global admin', fabrikamAdmin],
    ])('R9: %s may not end the relationship', (_who, actor) => {
      given(relationshipDecider, activeRelationship())
        .when(end(actor), at(DAY))
        .thenThrows('FORBIDDEN', 'R9');
    });

    it('R9: a relationship that was never established is not found', () => {
      given(relationshipDecider, [])
        .when(end(contosoAdmin), at(2 * DAY))
        .thenThrows('NOT_FOUND', undefined);
    });

    it('R9: ending a relationship that already ended fails the precondition, as cancelling twice does', () => {
      given(relationshipDecider, endedRelationship())
        .when(end(contosoAdmin), at(2 * DAY))
        .thenThrows('PRECONDITION_FAILED', 'R9');
    });

    it('R9: the relationship still knows the subscriptions it linked after it ended', () => {
      const history = [established('inv-1'), linked('sub-a'), linked('sub-b'), relationshipEnded];

      const state = fold(relationshipDecider, history);
      expect(state.active).toBe(false);
      expect(state.linkedSubscriptionIds).toEqual(['sub-a', 'sub-b']);
    });

    it('R9: after ending, the old invitation does not re-establish the relationship; a new one does', () => {
      given(relationshipDecider, endedRelationship())
        .when(establish('inv-1'), at(2 * DAY))
        .thenNothing();

      const events = given(relationshipDecider, endedRelationship())
        .when(establish('inv-2'), at(2 * DAY))
        .events();
      expect(events).toMatchObject([
        {
          type: 'RelationshipEstablished',
          data: { invitationId: 'inv-2', partnerTenantId: CONTOSO },
        },
      ]);
      expect(fold(relationshipDecider, [...endedRelationship(), ...events]).active).toBe(true);
    });

    it('R9: ending removes active DAP with reason RELATIONSHIP_ENDED', () => {
      const granted = [dapGranted];
      const events = given(dapGrantDecider, granted).when(revokeDap, at(DAY)).events();

      expect(events).toStrictEqual([
        {
          type: 'DelegatedAdminRemoved',
          data: {
            partnerTenantId: CONTOSO,
            customerTenantId: FABRIKAM,
            reason: 'RELATIONSHIP_ENDED',
          },
        },
      ]);
      expect(fold(dapGrantDecider, [...granted, ...events]).status).toBe('REMOVED');
    });

    it.each([
      ['never granted', (): DapGrantEvent[] => []],
      ['already removed by the customer', () => [dapGranted, dapRemovedByCustomer]],
    ])('R9: ending decides nothing on DAP that was %s', (_how, history) => {
      given(dapGrantDecider, history())
        .when(revokeDap, at(2 * DAY))
        .thenNothing();
    });

    describe('R9: cancelling a subscription', () => {
      it.each([
        ['the customer’s Global admin', fabrikamAdmin],
        ['an AdminAgent of the provisioning partner', contosoAdmin],
      ])('R9: %s cancels a provisioned subscription', (_who, actor) => {
        const events = given(subscriptionRbacDecider, provisioned())
          .when(cancel(actor), at(DAY))
          .events();

        expect(events).toStrictEqual([
          {
            type: 'AzureSubscriptionCancelled',
            data: { subscriptionId: PROD, customerTenantId: FABRIKAM, partnerTenantId: CONTOSO },
          },
        ]);
        expect(existing([...provisioned(), ...events]).cancelled).toBe(true);
      });

      it('R9: the customer’s Global admin cancels its own subscription, naming no partner', () => {
        const events = given(subscriptionRbacDecider, registered())
          .when(cancel(fabrikamAdmin), at(DAY))
          .events();

        expect(events).toStrictEqual([
          {
            type: 'AzureSubscriptionCancelled',
            data: { subscriptionId: OWN, customerTenantId: FABRIKAM },
          },
        ]);
      });

      it.each([
        ['a SalesAgent of the provisioning partner', provisioned, contosoSales],
        ['a HelpdeskAgent of the provisioning partner', provisioned, contosoHelpdesk],
        ['a partner user carrying GlobalAdmin', provisioned, contosoDelegatedGlobalAdmin],
        ['a customer user without GlobalAdmin', provisioned, fabrikamUserAdmin],
        [
          'a customer user holding Owner',
          () => [
            ...provisioned(),
            roleAssigned('asg-new', userPrincipal(fabrikamOlga.userId), 'OWNER'),
          ],
          fabrikamOlga,
        ],
        [
          'another partner’s AdminAgent whose group holds Owner',
          () => [...provisioned(), roleAssigned('asg-new', litwareAdmins, 'OWNER')],
          litwareAdmin,
        ],
        [
          'a partner AdminAgent holding Owner on a subscription it did not provision',
          () => registeredWith(contosoAdmins, 'OWNER'),
          contosoAdmin,
        ],
      ])('R9: %s may not cancel', (_who, history, actor) => {
        given(subscriptionRbacDecider, history())
          .when(cancel(actor), at(3 * DAY))
          .thenThrows('FORBIDDEN', 'R9');
      });

      it.each([
        ['a Global admin of another customer', northwindAdmin],
        ['an AdminAgent of a partner holding no role', litwareAdmin],
      ])('R9: %s cannot see the subscription to cancel it', (_who, actor) => {
        given(subscriptionRbacDecider, provisioned())
          .when(cancel(actor), at(DAY))
          .thenThrows('NOT_FOUND', undefined);
      });

      it.each([
        ['the customer’s Global admin', fabrikamAdmin],
        ['an AdminAgent of the provisioning partner', contosoAdmin],
      ])('R9: %s cancelling twice fails the precondition', (_who, actor) => {
        given(subscriptionRbacDecider, [...provisioned(), cancelled])
          .when(cancel(actor), at(2 * DAY))
          .thenThrows('PRECONDITION_FAILED', 'R9');
      });

      it.each([
        ['the customer’s Global admin', fabrikamAdmin],
        ['the partner, still Owner there', contosoAdmin],
      ])(
        'R20, R24: on a cancelled subscription %s may neither remove nor add a role assignment: its access is closed with it',
        (_who, actor) => {
          const history = [...provisioned(), cancelled];
          given(subscriptionRbacDecider, history)
            .when(unassign(actor, OWNER_ASSIGNMENT), at(2 * DAY))
            .thenThrows('PRECONDITION_FAILED', 'R20');
          given(subscriptionRbacDecider, history)
            .when(assign(actor, userPrincipal('olga'), 'READER'), at(2 * DAY))
            .thenThrows('PRECONDITION_FAILED', 'R20');
        },
      );
    });
  });
});
