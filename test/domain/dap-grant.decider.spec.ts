import type { DapGrantCommand } from '../../src/domain/dap-grant/commands';
import { dapGrantDecider } from '../../src/domain/dap-grant/dap-grant.decider';
import type { DapGrantEvent } from '../../src/domain/dap-grant/events';
import type { Actor } from '../../src/domain/shared/actor';
import { fold } from '../../src/domain/shared/decider';
import { customerGlobalAdmin, customerUser, decideOn, given, partnerUser } from '../support/given';

type OpenCommand = Extract<DapGrantCommand, { type: 'OpenServiceRequest' }>;

const T0 = new Date('2025-03-01T10:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;
const at = (offsetMs: number): Date => new Date(T0.getTime() + offsetMs);

const CONTOSO = 'partner-contoso';
const FABRIKAM = 'customer-fabrikam';

const contosoAdmin = partnerUser(['AdminAgent'], { tenantId: CONTOSO, tenantName: 'Contoso' });
const contosoSales = partnerUser(['SalesAgent'], { tenantId: CONTOSO, tenantName: 'Contoso' });
const contosoHelpdesk = partnerUser(['HelpdeskAgent'], {
  tenantId: CONTOSO,
  tenantName: 'Contoso',
});
const litwareAdmin = partnerUser(['AdminAgent'], {
  tenantId: 'partner-litware',
  tenantName: 'Litware',
});
const fabrikamAdmin = customerGlobalAdmin({
  tenantId: FABRIKAM,
  tenantName: 'Fabrikam',
  tenantDomain: 'fabrikam.onmicrosoft.com',
});
const fabrikamUserAdmin = customerUser(['UserAdministrator'], {
  tenantId: FABRIKAM,
  tenantName: 'Fabrikam',
});
const northwindAdmin = customerGlobalAdmin({
  tenantId: 'customer-northwind',
  tenantName: 'Northwind',
  tenantDomain: 'northwind.onmicrosoft.com',
});

const grantCommand = (invitationId: string): DapGrantCommand => ({
  type: 'GrantDelegatedAdmin',
  invitationId,
  partnerTenantId: CONTOSO,
  partnerName: 'Contoso',
  customer: { tenantId: FABRIKAM, name: 'Fabrikam', domain: 'fabrikam.onmicrosoft.com' },
});

const removeCommand = (
  actor: Actor,
  { confirm = true, relationshipActive = true } = {},
): DapGrantCommand => ({
  type: 'RemoveDelegatedAdminPrivileges',
  actor,
  partnerTenantId: CONTOSO,
  customerTenantId: FABRIKAM,
  confirm,
  relationshipActive,
});

const openCommand = (actor: Actor, overrides: Partial<OpenCommand> = {}): OpenCommand => ({
  type: 'OpenServiceRequest',
  actor,
  partnerTenantId: CONTOSO,
  customerTenantId: FABRIKAM,
  serviceRequestId: 'sr-1',
  title: 'Mailbox quota',
  description: 'The CFO mailbox is full.',
  relationshipActive: true,
  ...overrides,
});

/** A history made by the decider itself: each command decided on the events before it. */
function historyOf(...steps: DapGrantCommand[]): DapGrantEvent[] {
  return steps.reduce<DapGrantEvent[]>(
    (events, command, i) => [...events, ...decideOn(dapGrantDecider, events, command, at(i * DAY))],
    [],
  );
}

const granted = (): DapGrantEvent[] => historyOf(grantCommand('inv-1'));
const grantedThenRemoved = (): DapGrantEvent[] =>
  historyOf(grantCommand('inv-1'), removeCommand(fabrikamAdmin));

describe('DapGrant decider', () => {
  describe('R10: granting DAP', () => {
    it('R10: granting on a new stream gives Admin Agents Global Administrator and Helpdesk Agents Helpdesk Administrator', () => {
      const events = given(dapGrantDecider).when(grantCommand('inv-1'), T0).events();

      expect(events).toEqual([
        {
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
        },
      ]);
    });

    it('R10: a new stream holds no DAP; after the grant it is active', () => {
      expect(fold(dapGrantDecider, []).status).toBe('NONE');
      expect(fold(dapGrantDecider, granted()).status).toBe('ACTIVE');
    });
  });

  describe('R8: another invitation with DAP', () => {
    it('R8: granting again while DAP is active decides nothing', () => {
      given(dapGrantDecider, granted()).when(grantCommand('inv-2'), at(DAY)).thenNothing();
    });

    it('R8: after removal, a new invitation with DAP grants DAP again (renegotiation)', () => {
      const scenario = given(dapGrantDecider, grantedThenRemoved());
      expect(scenario.state.status).toBe('REMOVED');

      const events = scenario.when(grantCommand('inv-2'), at(2 * DAY)).events();

      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        type: 'DelegatedAdminGranted',
        data: { invitationId: 'inv-2', partnerTenantId: CONTOSO, customerTenantId: FABRIKAM },
      });
      expect(fold(dapGrantDecider, [...grantedThenRemoved(), ...events]).status).toBe('ACTIVE');
    });

    it('R8: the same invitation id twice decides nothing, while active', () => {
      given(dapGrantDecider, granted()).when(grantCommand('inv-1'), at(DAY)).thenNothing();
    });

    it('R8: the same invitation id twice decides nothing, even after a removal', () => {
      given(dapGrantDecider, grantedThenRemoved())
        .when(grantCommand('inv-1'), at(2 * DAY))
        .thenNothing();
    });
  });

  describe('R12: removing DAP', () => {
    it('R12: the customer’s GlobalAdmin with confirm:true removes DAP, reason REMOVED_BY_CUSTOMER', () => {
      const events = given(dapGrantDecider, granted())
        .when(removeCommand(fabrikamAdmin, { confirm: true }), at(DAY))
        .events();

      expect(events).toEqual([
        {
          type: 'DelegatedAdminRemoved',
          data: {
            partnerTenantId: CONTOSO,
            customerTenantId: FABRIKAM,
            reason: 'REMOVED_BY_CUSTOMER',
          },
        },
      ]);
    });

    it('R12: removal keeps the relationship: only DelegatedAdminRemoved is decided', () => {
      const events = given(dapGrantDecider, granted())
        .when(removeCommand(fabrikamAdmin), at(DAY))
        .events();

      expect(events.map((event) => event.type)).toEqual(['DelegatedAdminRemoved']);
      expect(fold(dapGrantDecider, [...granted(), ...events]).status).toBe('REMOVED');
    });

    it('R12: without confirm nothing changes and the answer asks for a confirmation', () => {
      const error = given(dapGrantDecider, granted())
        .when(removeCommand(fabrikamAdmin, { confirm: false }), at(DAY))
        .thenThrows('CONFIRMATION_REQUIRED', 'R12');

      expect(error.message).toMatch(/confirm: true/);
    });

    it.each([
      ['a customer user without GlobalAdmin', fabrikamUserAdmin],
      ['a GlobalAdmin of another customer', northwindAdmin],
      ['a partner AdminAgent', contosoAdmin],
      [
        'a partner user holding the GlobalAdmin role name and the customer’s tenant id',
        partnerUser(['AdminAgent'], { tenantId: FABRIKAM, roles: ['GlobalAdmin', 'AdminAgent'] }),
      ],
    ])('R12: %s may not remove DAP', (_who, actor) => {
      given(dapGrantDecider, granted())
        .when(removeCommand(actor), at(DAY))
        .thenThrows('FORBIDDEN', 'R12');
    });

    it('R12: removing DAP that was already removed fails its precondition', () => {
      given(dapGrantDecider, grantedThenRemoved())
        .when(removeCommand(fabrikamAdmin), at(2 * DAY))
        .thenThrows('PRECONDITION_FAILED', 'R12');
    });

    it('R12: with no relationship and never any DAP, the partner is not found', () => {
      given(dapGrantDecider, [])
        .when(removeCommand(fabrikamAdmin, { relationshipActive: false }), T0)
        .thenThrows('NOT_FOUND', undefined);
    });

    it('R12: with an active relationship but never any DAP, there is nothing to remove', () => {
      given(dapGrantDecider, [])
        .when(removeCommand(fabrikamAdmin, { relationshipActive: true }), T0)
        .thenThrows('PRECONDITION_FAILED', 'R12');
    });

    it('R12: service requests opened meanwhile do not stop a removal', () => {
      const history = [
        ...granted(),
        ...decideOn(dapGrantDecider, granted(), openCommand(contosoAdmin), at(DAY)),
      ];
      expect(history.map((event) => event.type)).toEqual([
        'DelegatedAdminGranted',
        'ServiceRequestOpened',
      ]);

      const events = given(dapGrantDecider, history)
        .when(removeCommand(fabrikamAdmin), at(2 * DAY))
        .events();

      expect(events.map((event) => event.type)).toEqual(['DelegatedAdminRemoved']);
    });
  });

  describe('R13: after removal', () => {
    it.each([
      ['AdminAgent', contosoAdmin],
      ['HelpdeskAgent', contosoHelpdesk],
    ])(
      'R13: a partner %s can no longer open a service request and is told a new invitation with DAP is needed',
      (_role, actor) => {
        const error = given(dapGrantDecider, grantedThenRemoved())
          .when(openCommand(actor), at(2 * DAY))
          .thenThrows('FORBIDDEN', 'R13');

        expect(error.message).toMatch(/new invitation/i);
        expect(error.message).toMatch(/DAP|delegated admin/i);
        expect(error.message).toMatch(/accept/i);
      },
    );

    it('R13: once the customer accepts a new invitation with DAP, service requests work again', () => {
      const history = [
        ...grantedThenRemoved(),
        ...decideOn(dapGrantDecider, grantedThenRemoved(), grantCommand('inv-2'), at(2 * DAY)),
      ];

      const events = given(dapGrantDecider, history)
        .when(openCommand(contosoAdmin), at(3 * DAY))
        .events();

      expect(events.map((event) => event.type)).toEqual(['ServiceRequestOpened']);
    });
  });

  describe('R14: service requests with DAP', () => {
    it.each([
      ['AdminAgent', contosoAdmin],
      ['HelpdeskAgent', contosoHelpdesk],
    ])(
      'R14: a partner %s may open a service request; title and description are trimmed',
      (_r, actor) => {
        const events = given(dapGrantDecider, granted())
          .when(
            openCommand(actor, {
              serviceRequestId: 'sr-42',
              title: '  Mailbox quota \n',
              description: '\t The CFO mailbox is full.  ',
            }),
            at(DAY),
          )
          .events();

        expect(events).toEqual([
          {
            type: 'ServiceRequestOpened',
            data: {
              partnerTenantId: CONTOSO,
              customerTenantId: FABRIKAM,
              serviceRequestId: 'sr-42',
              title: 'Mailbox quota',
              description: 'The CFO mailbox is full.',
            },
          },
        ]);
      },
    );

    it('R14: opening a service request leaves DAP active', () => {
      const history = [
        ...granted(),
        ...decideOn(dapGrantDecider, granted(), openCommand(contosoAdmin), at(DAY)),
      ];

      expect(fold(dapGrantDecider, history).status).toBe('ACTIVE');
    });

    it('R14: a partner SalesAgent gets nothing from DAP', () => {
      given(dapGrantDecider, granted())
        .when(openCommand(contosoSales), at(DAY))
        .thenThrows('FORBIDDEN', 'R14');
    });

    it('R14: a partner user without any role may not open a service request', () => {
      given(dapGrantDecider, granted())
        .when(openCommand(partnerUser([], { tenantId: CONTOSO })), at(DAY))
        .thenThrows('FORBIDDEN', 'R14');
    });

    it('R17: an AdminAgent of another partner tenant may not open a request for this partner', () => {
      given(dapGrantDecider, granted())
        .when(openCommand(litwareAdmin), at(DAY))
        .thenThrows('FORBIDDEN', 'R17');
    });

    it('R17: a customer user may not open a service request on the partner’s behalf', () => {
      const customerWithPartnerRoles = customerUser(['GlobalAdmin', 'AdminAgent'], {
        tenantId: CONTOSO,
      });

      given(dapGrantDecider, granted())
        .when(openCommand(customerWithPartnerRoles), at(DAY))
        .thenThrows('FORBIDDEN', 'R17');
    });

    it('R7: without an active reseller relationship no service request can be opened', () => {
      given(dapGrantDecider, granted())
        .when(openCommand(contosoAdmin, { relationshipActive: false }), at(DAY))
        .thenThrows('FORBIDDEN', 'R7');
    });

    it('R14: with a relationship but DAP never granted, no service request can be opened', () => {
      const error = given(dapGrantDecider, [])
        .when(openCommand(contosoAdmin), T0)
        .thenThrows('FORBIDDEN', 'R14');

      expect(error.message).toMatch(/invitation that includes DAP/);
    });

    it.each([
      ['an empty title', { title: '' }],
      ['a blank title', { title: ' \n\t ' }],
      ['a title over 200 characters', { title: 'x'.repeat(201) }],
      ['an empty description', { description: '' }],
      ['a blank description', { description: '   ' }],
      ['a description over 10000 characters', { description: 'y'.repeat(10_001) }],
    ])('R14: a service request with %s is invalid input', (_what, overrides) => {
      given(dapGrantDecider, granted())
        .when(openCommand(contosoAdmin, overrides), at(DAY))
        .thenThrows('INVALID_INPUT', undefined);
    });

    it('R14: a title of 200 and a description of 10000 characters (after trimming) are accepted', () => {
      const title = 't'.repeat(200);
      const description = 'd'.repeat(10_000);

      const events = given(dapGrantDecider, granted())
        .when(
          openCommand(contosoAdmin, { title: ` ${title} `, description: `${description}\n` }),
          at(DAY),
        )
        .events();

      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ data: { title, description } });
    });
  });
});
