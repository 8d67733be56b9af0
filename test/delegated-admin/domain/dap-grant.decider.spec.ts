import type { DapGrantCommand } from '../../../src/delegated-admin/domain/dap-grant/commands';
import { dapGrantDecider } from '../../../src/delegated-admin/domain/dap-grant/dap-grant.decider';
import type { DapGrantEvent } from '../../../src/delegated-admin/domain/dap-grant/events';
import type { Actor } from '../../../src/platform/domain/actor';
import { fold } from '../../../src/platform/domain/decider';
import { customerGlobalAdmin, customerUser, given, partnerUser } from '../../support/given';

const T0 = new Date('2025-03-01T10:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;
const at = (offsetMs: number): Date => new Date(T0.getTime() + offsetMs);

const CONTOSO = 'partner-contoso';
const FABRIKAM = 'customer-fabrikam';

const contosoAdmin = partnerUser(['AdminAgent'], { tenantId: CONTOSO, tenantName: 'Contoso' });
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

const grantCommand = (
  invitationId: string,
): Extract<DapGrantCommand, { type: 'GrantDelegatedAdmin' }> => ({
  type: 'GrantDelegatedAdmin',
  invitationId,
  partnerTenantId: CONTOSO,
  partnerName: 'Contoso',
  customer: { tenantId: FABRIKAM, name: 'Fabrikam', domain: 'fabrikam.onmicrosoft.com' },
});

const removeCommand = (
  actor: Actor,
  {
    confirm = true,
    relationshipActive = true,
    gdapRelationshipInForce = false,
    autopilotDapRequired = false,
  } = {},
): DapGrantCommand => ({
  type: 'RemoveDelegatedAdminPrivileges',
  actor,
  partnerTenantId: CONTOSO,
  customerTenantId: FABRIKAM,
  confirm,
  relationshipActive,
  gdapRelationshipInForce,
  autopilotDapRequired,
});

/** DAP granted to Contoso on `invitationId`, as the stream records it (R10's roles). */
const grantedOn = (invitationId: string): DapGrantEvent => ({
  type: 'DelegatedAdminGranted',
  data: {
    partnerTenantId: CONTOSO,
    partnerName: 'Contoso',
    customerTenantId: FABRIKAM,
    customerName: 'Fabrikam',
    invitationId,
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
});
const removedByCustomer: DapGrantEvent = {
  type: 'DelegatedAdminRemoved',
  data: { partnerTenantId: CONTOSO, customerTenantId: FABRIKAM, reason: 'REMOVED_BY_CUSTOMER' },
};

const granted = (): DapGrantEvent[] => [grantedOn('inv-1')];
const grantedThenRemoved = (): DapGrantEvent[] => [grantedOn('inv-1'), removedByCustomer];

describe('DapGrant decider', () => {
  describe('R10: granting DAP', () => {
    it('R10: granting on a new stream gives Admin Agents Global Administrator and Helpdesk Agents Helpdesk Administrator', () => {
      const events = given(dapGrantDecider).when(grantCommand('inv-1'), T0).events();

      expect(events).toEqual([grantedOn('inv-1')]);
    });

    it('R10: a new stream holds no DAP; after the grant it is active', () => {
      expect(fold(dapGrantDecider, []).status).toBe('NONE');
      expect(fold(dapGrantDecider, granted()).status).toBe('ACTIVE');
    });
  });

  describe('R8: another invitation with DAP', () => {
    it('R8: another invitation with DAP accepted while DAP is active is recorded as a renegotiation', () => {
      const events = given(dapGrantDecider, granted())
        .when(grantCommand('inv-2'), at(DAY))
        .events();

      expect(events).toEqual([
        { ...grantedOn('inv-2'), data: { ...grantedOn('inv-2').data, renegotiated: true } },
      ]);
      const state = fold(dapGrantDecider, [...granted(), ...events]);
      expect(state.status).toBe('ACTIVE');
      expect([...state.grantedByInvitationIds]).toEqual(['inv-1', 'inv-2']);
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

    const nothingSince = {
      relationshipEnded: false,
      removedByCustomer: false,
      revocationRequested: false,
    };
    const decidedAfter = (since: Partial<typeof nothingSince>) => ({
      ...grantCommand('inv-2'),
      since: { ...nothingSince, ...since },
    });

    it('R9, R8: a grant decided as of an acceptance grants nothing over an end of the relationship recorded after it', () => {
      given(dapGrantDecider, granted())
        .when(decidedAfter({ relationshipEnded: true }), at(DAY))
        .thenNothing();
    });

    it('R12, R8: a grant decided as of an acceptance grants nothing over the customer’s removal recorded after it', () => {
      given(dapGrantDecider, grantedThenRemoved())
        .when(decidedAfter({ removedByCustomer: true }), at(2 * DAY))
        .thenNothing();
    });

    it('R70, R10: a grant decided as of an acceptance grants nothing over a request to end all access recorded after it', () => {
      given(dapGrantDecider)
        .when(decidedAfter({ revocationRequested: true }), at(DAY))
        .thenNothing();
    });

    it('R9, R8: a grant decided while the relationship’s end runs (an acceptance during the end) grants nothing', () => {
      given(dapGrantDecider, grantedThenRemoved())
        .when({ ...decidedAfter({}), relationship: { active: true, ending: true } }, at(2 * DAY))
        .thenNothing();
    });

    it('R9, R10: a grant with nothing recorded after its acceptance grants, whatever came before it', () => {
      const events = given(dapGrantDecider, grantedThenRemoved())
        .when(decidedAfter({}), at(2 * DAY))
        .events();
      expect(events.map((event) => event.type)).toEqual(['DelegatedAdminGranted']);
    });

    const overtaken = (invitationId: string, since: Partial<typeof nothingSince>) => ({
      type: 'RemoveOvertakenGrant' as const,
      invitationId,
      partnerTenantId: CONTOSO,
      customerTenantId: FABRIKAM,
      since: { ...nothingSince, ...since },
    });

    it.each([
      ['an end of the relationship', { relationshipEnded: true }, 'RELATIONSHIP_ENDED'],
      ['a request to end all access', { revocationRequested: true }, 'ALL_ACCESS_ENDED'],
    ] as const)(
      'R9, R70: a grant that landed after %s recorded after its acceptance is removed again, as it would have been',
      (_what, since, reason) => {
        const events = given(dapGrantDecider, granted())
          .when(overtaken('inv-1', since), at(DAY))
          .events();
        expect(events).toEqual([
          {
            type: 'DelegatedAdminRemoved',
            data: { partnerTenantId: CONTOSO, customerTenantId: FABRIKAM, reason },
          },
        ]);
      },
    );

    it('R9, R70, R8: an acceptance’s check leaves alone DAP not overtaken, already removed, or granted last by a later acceptance', () => {
      given(dapGrantDecider, granted()).when(overtaken('inv-1', {}), at(DAY)).thenNothing();
      given(dapGrantDecider, grantedThenRemoved())
        .when(overtaken('inv-1', { relationshipEnded: true }), at(DAY))
        .thenNothing();
      given(dapGrantDecider, [...granted(), grantedOn('inv-2')])
        .when(overtaken('inv-1', { revocationRequested: true }), at(DAY))
        .thenNothing();
    });
  });

  describe('R9: the relationship’s end removes DAP', () => {
    const revokeOnEnd = (relationship?: {
      active: boolean;
      establishedByInvitationId?: string;
    }): DapGrantCommand => ({
      type: 'RevokeDelegatedAdminOnRelationshipEnd',
      partnerTenantId: CONTOSO,
      customerTenantId: FABRIKAM,
      relationship,
    });
    const removedOnEnd: DapGrantEvent = {
      type: 'DelegatedAdminRemoved',
      data: { partnerTenantId: CONTOSO, customerTenantId: FABRIKAM, reason: 'RELATIONSHIP_ENDED' },
    };

    it.each([
      ['still ended', { active: false, establishedByInvitationId: 'inv-1' }],
      ['not read', undefined],
    ])('R9: with the relationship %s, active DAP is removed', (_how, relationship) => {
      const events = given(dapGrantDecider, granted())
        .when(revokeOnEnd(relationship), at(DAY))
        .events();

      expect(events).toEqual([removedOnEnd]);
    });

    it('R9, R10: a relationship re-established since by an invitation with DAP (granted here) keeps DAP', () => {
      given(dapGrantDecider, [grantedOn('inv-1'), grantedOn('inv-2')])
        .when(revokeOnEnd({ active: true, establishedByInvitationId: 'inv-2' }), at(DAY))
        .thenNothing();
    });

    it('R9, R8: DAP renegotiated in a relationship re-established without DAP since the end is kept', () => {
      const reestablishedByInv2 = { active: true, establishedByInvitationId: 'inv-2' };
      const renegotiated = given(dapGrantDecider, granted())
        .when({ ...grantCommand('inv-3'), relationship: reestablishedByInv2 }, at(DAY))
        .events();
      expect(renegotiated).toEqual([
        {
          ...grantedOn('inv-3'),
          data: {
            ...grantedOn('inv-3').data,
            relationshipEstablishedBy: 'inv-2',
            renegotiated: true,
          },
        },
      ]);
      given(dapGrantDecider, [...granted(), ...renegotiated])
        .when(revokeOnEnd(reestablishedByInv2), at(DAY))
        .thenNothing();
    });

    it('R9, R8: a relationship re-established since by an invitation without DAP loses the DAP of the ended one', () => {
      const events = given(dapGrantDecider, granted())
        .when(revokeOnEnd({ active: true, establishedByInvitationId: 'inv-2' }), at(DAY))
        .events();

      expect(events).toEqual([removedOnEnd]);
    });

    it('R9, R10: a re-establishing invitation with DAP whose grant is not recorded yet leaves DAP to that grant: removed now, granted again next', () => {
      const history = [grantedOn('inv-1')];
      const removal = given(dapGrantDecider, history)
        .when(revokeOnEnd({ active: true, establishedByInvitationId: 'inv-2' }), at(DAY))
        .events();
      expect(removal).toEqual([removedOnEnd]);

      const regrant = given(dapGrantDecider, [...history, ...removal])
        .when(grantCommand('inv-2'), at(DAY))
        .events();
      expect(regrant).toEqual([grantedOn('inv-2')]);
    });
  });

  describe('R12: removing DAP', () => {
    it('R12: the customer’s GlobalAdmin with confirm:true removes DAP, reason REMOVED_BY_CUSTOMER', () => {
      const events = given(dapGrantDecider, granted())
        .when(removeCommand(fabrikamAdmin, { confirm: true }), at(DAY))
        .events();

      expect(events).toEqual([removedByCustomer]);
    });

    it('R70, R8: removed by the request to end all access, the reason is ALL_ACCESS_ENDED, so the grant of an acceptance made after the request still grants', () => {
      const removal = {
        ...removeCommand(fabrikamAdmin),
        reason: 'ALL_ACCESS_ENDED',
      } as DapGrantCommand;
      const events = given(dapGrantDecider, granted()).when(removal, at(DAY)).events();
      expect(events).toEqual([
        { ...removedByCustomer, data: { ...removedByCustomer.data, reason: 'ALL_ACCESS_ENDED' } },
      ]);
    });

    it('R70: DAP granted again by an acceptance after the request to end all access is left alone', () => {
      const removal = {
        ...removeCommand(fabrikamAdmin),
        reason: 'ALL_ACCESS_ENDED',
        grantedAgainSinceRequest: true,
      } as DapGrantCommand;
      given(dapGrantDecider, granted()).when(removal, at(DAY)).thenNothing();
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

    it('R12 (revised 2026-11-30): the confirmation answer says service requests end while subscription roles, Autopilot rights and the relationship stay', () => {
      const { message } = given(dapGrantDecider, granted())
        .when(removeCommand(fabrikamAdmin, { confirm: false }), at(DAY))
        .thenThrows('CONFIRMATION_REQUIRED', 'R12');

      expect(message).toMatch(/no longer administer your directory/);
      expect(message).toMatch(/open service requests on your behalf/);
      expect(message).toMatch(/Azure subscription roles and Autopilot rights stay/);
      expect(message).toMatch(/reseller relationship/);
    });

    it('R12, R35: under the dap-required Autopilot policy the confirmation answer says Autopilot narrows to adding devices and removing the partner’s own', () => {
      const { message } = given(dapGrantDecider, granted())
        .when(removeCommand(fabrikamAdmin, { confirm: false, autopilotDapRequired: true }), at(DAY))
        .thenThrows('CONFIRMATION_REQUIRED', 'R12');

      expect(message).not.toMatch(/Autopilot rights stay/);
      expect(message).toMatch(/Azure subscription roles stay/);
      expect(message).toMatch(
        /Autopilot narrows to adding devices and removing those the partner added itself/,
      );
      expect(message).toMatch(/reseller relationship/);
    });

    it('R12, R68: the confirmation answer says GDAP relationships stay, and names the action that ends every grant', () => {
      const { message } = given(dapGrantDecider, granted())
        .when(removeCommand(fabrikamAdmin, { confirm: false }), at(DAY))
        .thenThrows('CONFIRMATION_REQUIRED', 'R12');

      expect(message).toMatch(/through DAP the partner can no longer administer your directory/);
      expect(message).toMatch(
        /Its GDAP relationships \(roles you approved for its groups apart from DAP\)/,
      );
      expect(message).toMatch(/previewRevokePartnerAccess lists everything the partner holds/);
      expect(message).toMatch(/revokePartnerAccess ends all of it at once/);
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

    it('R12, R15: a partner with a GDAP relationship in force and never any DAP has nothing to remove', () => {
      given(dapGrantDecider, [])
        .when(
          removeCommand(fabrikamAdmin, {
            relationshipActive: false,
            gdapRelationshipInForce: true,
          }),
          T0,
        )
        .thenThrows('PRECONDITION_FAILED', 'R12');
    });

    it('R12: with an active relationship but never any DAP, there is nothing to remove', () => {
      given(dapGrantDecider, [])
        .when(removeCommand(fabrikamAdmin, { relationshipActive: true }), T0)
        .thenThrows('PRECONDITION_FAILED', 'R12');
    });
  });
});
