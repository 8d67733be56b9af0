import type { InvitationCommand } from '../../../src/invitations/domain/commands';
import type { InvitationEvent } from '../../../src/invitations/domain/events';
import { mailtoUrl } from '../../../src/invitations/domain/invitation-link';
import {
  invitationDecider,
  invitationStatus,
  type InvitationState,
} from '../../../src/invitations/domain/invitation.decider';
import type { Actor } from '../../../src/platform/domain/actor';
import { fold } from '../../../src/platform/domain/decider';
import {
  customerGlobalAdmin,
  customerUser,
  decideOn,
  given,
  partnerUser,
} from '../../support/given';

type RequestCommand = Extract<InvitationCommand, { type: 'RequestResellerRelationship' }>;
type Created = Extract<InvitationEvent, { type: 'InvitationCreated' }>;
type Accepted = Extract<InvitationEvent, { type: 'InvitationAccepted' }>;
type Existing = Extract<InvitationState, { exists: true }>;

const MS = 1;
const DAY = 24 * 60 * 60 * 1000;
const TTL = 90 * DAY;
const T0 = new Date('2025-03-01T10:00:00.000Z');
const at = (offsetMs: number): Date => new Date(T0.getTime() + offsetMs);
const BASE_URL = 'https://admin.microsoft.com/Adminportal/Home#/BillingAccounts/partner-invitation';

const contosoAdmin = partnerUser(['AdminAgent'], {
  tenantId: 'partner-contoso',
  tenantName: 'Contoso',
});
const contosoSales = partnerUser(['SalesAgent'], {
  tenantId: 'partner-contoso',
  tenantName: 'Contoso',
});
const contosoHelpdesk = partnerUser(['HelpdeskAgent'], {
  tenantId: 'partner-contoso',
  tenantName: 'Contoso',
});
const litwareAdmin = partnerUser(['AdminAgent'], {
  tenantId: 'partner-litware',
  tenantName: 'Litware',
});
const fabrikam = customerGlobalAdmin({
  tenantId: 'customer-fabrikam',
  tenantName: 'Fabrikam',
  tenantDomain: 'Fabrikam.OnMicrosoft.com',
});
const northwind = customerGlobalAdmin({
  tenantId: 'customer-northwind',
  tenantName: 'Northwind',
  tenantDomain: 'northwind.onmicrosoft.com',
});

function requestCommand(overrides: Partial<RequestCommand> = {}): RequestCommand {
  return {
    type: 'RequestResellerRelationship',
    actor: contosoAdmin,
    invitationId: 'inv-1',
    includeDelegatedAdmin: true,
    intendedCustomer: null,
    invitationBaseUrl: BASE_URL,
    ttlMs: TTL,
    ...overrides,
  };
}

/** What the decider records for a request at T0 (the request is the command under test). */
function requested(overrides: Partial<RequestCommand> = {}): InvitationEvent[] {
  return given(invitationDecider).when(requestCommand(overrides), T0).events();
}

// Given histories are literal events, as the invitation's stream records them.
const LINK =
  'https://admin.microsoft.com/Adminportal/Home?invType=ResellerRelationship&partnerId=partner-contoso&invitationId=inv-1&DAP=true#/BillingAccounts/partner-invitation';

/** Contoso's invitation inv-1 with DAP, open to any customer, created at T0 for 90 days. */
const created = (overrides: Partial<Created['data']> = {}): Created => ({
  type: 'InvitationCreated',
  data: {
    invitationId: 'inv-1',
    partnerTenantId: 'partner-contoso',
    customerTenantId: null,
    partnerName: 'Contoso',
    includeDelegatedAdmin: true,
    intendedCustomer: null,
    invitationUrl: LINK,
    emailDraft: {
      subject: 'Contoso would like to become your Microsoft Cloud Solution Provider',
      body: `Dear customer,\n\nContoso invites you to a reseller relationship and to grant us delegated administration privileges for Azure Active Directory and Office 365.\nTo accept, a Global admin of your organisation selects the link below and follows the steps in the Microsoft 365 admin center:\n\n${LINK}\n\nRegards,\nContoso`,
    },
    createdAt: T0.toISOString(),
    expiresAt: at(TTL).toISOString(),
    ...overrides,
  },
});
/** The same invitation, addressed to Northwind's tenant (R4). */
const createdForNorthwind = (): Created =>
  created({
    customerTenantId: 'customer-northwind',
    intendedCustomer: { tenantId: 'customer-northwind' },
  });
const acceptedBy = (tenant: 'fabrikam' | 'northwind'): Accepted => ({
  type: 'InvitationAccepted',
  data: {
    invitationId: 'inv-1',
    partnerTenantId: 'partner-contoso',
    customerTenantId: `customer-${tenant}`,
    partnerName: 'Contoso',
    includeDelegatedAdmin: true,
    customer: {
      tenantId: `customer-${tenant}`,
      name: tenant === 'fabrikam' ? 'Fabrikam' : 'Northwind',
      domain: `${tenant}.onmicrosoft.com`,
    },
  },
});
const cancelledByContoso: InvitationEvent = {
  type: 'InvitationCancelled',
  data: { invitationId: 'inv-1', partnerTenantId: 'partner-contoso' },
};
/** A pending invitation: created, nothing since. */
const pending = (): InvitationEvent[] => [created()];

function createdEvent(history: InvitationEvent[]): Created {
  const event = history.find((e): e is Created => e.type === 'InvitationCreated');
  if (!event) throw new Error('no InvitationCreated in history');
  return event;
}

const accept = (actor: Actor): InvitationCommand => ({
  type: 'AcceptResellerInvitation',
  actor,
  invitationId: 'inv-1',
});
const cancel = (actor: Actor): InvitationCommand => ({
  type: 'CancelInvitation',
  actor,
  invitationId: 'inv-1',
});
const edit = (actor: Actor, subject: string, body: string): InvitationCommand => ({
  type: 'EditInvitationEmail',
  actor,
  invitationId: 'inv-1',
  subject,
  body,
});

function existing(events: InvitationEvent[]): Existing {
  const state = fold(invitationDecider, events);
  if (!state.exists) throw new Error('invitation does not exist');
  return state;
}

describe('invitation decider', () => {
  describe('R1: who may request a reseller relationship', () => {
    it.each([
      ['AdminAgent', contosoAdmin],
      ['SalesAgent', contosoSales],
    ])('R1: a partner %s may request a reseller relationship', (_role, actor) => {
      const events = given(invitationDecider).when(requestCommand({ actor }), T0).events();

      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        type: 'InvitationCreated',
        data: {
          invitationId: 'inv-1',
          partnerTenantId: 'partner-contoso',
          partnerName: 'Contoso',
          createdAt: T0.toISOString(),
        },
      });
    });

    it.each([
      ['a partner HelpdeskAgent', partnerUser(['HelpdeskAgent'])],
      ['a partner user without any role', partnerUser([])],
      ['a customer GlobalAdmin', customerGlobalAdmin()],
      ['a customer user', customerUser(['UserAdministrator'])],
      ['an operator', { ...customerUser(['Operator']), tenantKind: 'operator' as const }],
      [
        'a customer user holding a partner role name',
        customerUser(['AdminAgent', 'SalesAgent', 'GlobalAdmin']),
      ],
    ])('R1: %s may not request a reseller relationship', (_who, actor) => {
      given(invitationDecider).when(requestCommand({ actor }), T0).thenThrows('FORBIDDEN', 'R1');
    });

    it('R1: a partner HelpdeskAgent may not edit the invitation email', () => {
      const events = pending();
      const link = LINK;

      given(invitationDecider, events)
        .when(edit(contosoHelpdesk, 'Hello', `Please accept: ${link}`), at(DAY))
        .thenThrows('FORBIDDEN', 'R1');
    });
  });

  describe('R2: includeDelegatedAdmin', () => {
    it.each([true, false])(
      'R2: includeDelegatedAdmin=%s is carried into the event, the link and the acceptance',
      (includeDelegatedAdmin) => {
        const recorded = createdEvent(requested({ includeDelegatedAdmin }));

        expect(recorded.data.includeDelegatedAdmin).toBe(includeDelegatedAdmin);
        expect(new URL(recorded.data.invitationUrl).searchParams.get('DAP')).toBe(
          String(includeDelegatedAdmin),
        );

        const accepted = given(invitationDecider, [created({ includeDelegatedAdmin })])
          .when(accept(fabrikam), at(DAY))
          .events();
        expect(accepted).toHaveLength(1);
        expect((accepted[0] as Accepted).data.includeDelegatedAdmin).toBe(includeDelegatedAdmin);
      },
    );

    it('R2: the default draft mentions delegated administration only when DAP is requested', () => {
      const withDap = createdEvent(requested({ includeDelegatedAdmin: true }));
      const withoutDap = createdEvent(requested({ includeDelegatedAdmin: false }));

      expect(withDap.data.emailDraft.body).toMatch(/delegated administration privileges/);
      expect(withoutDap.data.emailDraft.body).not.toMatch(/delegated administration/);
    });
  });

  describe('R3: invitation link, email draft and mailto', () => {
    it('R3: the link identifies the partner and the request', () => {
      const link = new URL(createdEvent(requested()).data.invitationUrl);

      expect(link.origin + link.pathname).toBe('https://admin.microsoft.com/Adminportal/Home');
      expect(link.hash).toBe('#/BillingAccounts/partner-invitation');
      expect(link.searchParams.get('invType')).toBe('ResellerRelationship');
      expect(link.searchParams.get('partnerId')).toBe('partner-contoso');
      expect(link.searchParams.get('invitationId')).toBe('inv-1');
    });

    it('R3: two requests, or two partners, get different links', () => {
      const first = createdEvent(requested({ invitationId: 'inv-1' })).data.invitationUrl;
      const second = createdEvent(requested({ invitationId: 'inv-2' })).data.invitationUrl;
      const other = createdEvent(requested({ invitationId: 'inv-1', actor: litwareAdmin })).data
        .invitationUrl;

      expect(new Set([first, second, other]).size).toBe(3);
      expect(new URL(other).searchParams.get('partnerId')).toBe('partner-litware');
    });

    it('R3: the draft email contains the link and names the partner', () => {
      const { emailDraft, invitationUrl } = createdEvent(requested()).data;

      expect(emailDraft.body).toContain(invitationUrl);
      expect(emailDraft.subject).toContain('Contoso');
      expect(emailDraft.subject.trim()).not.toBe('');
    });

    it.each([
      ['alone', (link: string) => link],
      ['in angle brackets', (link: string) => `Accept here: <${link}>.`],
      ['in parentheses', (link: string) => `Accept (${link}) today`],
      ['after a colon', (link: string) => `Link:${link}`],
      ['in quotes', (link: string) => `"${link}"`],
    ])('R3: an edited body with the link %s is accepted', (_case, bodyOf) => {
      expect(
        given(invitationDecider, pending())
          .when(edit(contosoAdmin, 'New subject', bodyOf(LINK)), at(DAY))
          .events(),
      ).toHaveLength(1);
    });

    it('R3: the partner may edit the draft any number of times before acceptance', () => {
      const events = pending();
      const link = LINK;
      const drafts = [1, 2, 3].map((n) => ({
        subject: `Subject ${n}`,
        body: `Body ${n}\n${link}`,
      }));

      let all = events;
      drafts.forEach((draft, n) => {
        const decided = given(invitationDecider, all)
          .when(edit(n === 1 ? contosoSales : contosoAdmin, draft.subject, draft.body), at(n * DAY))
          .events();
        expect(decided).toEqual([
          { type: 'InvitationEmailEdited', data: { invitationId: 'inv-1', emailDraft: draft } },
        ]);
        all = [...all, ...decided];
      });

      expect(existing(all).emailDraft).toEqual(drafts[2]);
      expect(existing(all).invitationUrl).toBe(link);
    });

    it.each([
      ['without the link', (_link: string) => 'Dear customer, please accept.'],
      ['with a truncated link', (link: string) => `Accept here: ${link.slice(0, -1)}`],
      ['with a changed link', (link: string) => `Accept: ${link.replace('DAP=true', 'DAP=false')}`],
      ['with the link of another request', (link: string) => link.replace('inv-1', 'inv-2')],
      ['with characters run on after the link', (link: string) => `Accept: ${link}X please`],
      ['with characters run into the start of the link', (link: string) => `Accept: x${link}`],
      // A mail program would make the two one link, to the address before it.
      ['run on from another address', (link: string) => `Click: https://evil.example/r:${link}`],
      ['run on from another address in quotes', (link: string) => `https://evil.example/r'${link}`],
      ['run on from a bare domain', (link: string) => `evil.example/r:${link}`],
      [
        'run on from a long address',
        (link: string) => `https://evil.example/${'r'.repeat(80)}:${link}`,
      ],
    ])('R3: an edited body %s is refused as INVALID_INPUT', (_case, bodyOf) => {
      const events = pending();
      const link = LINK;

      given(invitationDecider, events)
        .when(edit(contosoAdmin, 'New subject', bodyOf(link)), at(DAY))
        .thenThrows('INVALID_INPUT', 'R3');
    });

    it('R3: a subject with a control or text-direction character, or a body with one but line breaks and tabs, is refused as INVALID_INPUT', () => {
      for (const [subject, body] of [
        ['Invoice \u202egpj.exe', LINK],
        ['Subject\nBcc: evil@example.com', LINK],
        ['Subject', `Dear customer\u0007\n${LINK}`],
        ['Subject', `\u2067Dear\u2069 customer\n${LINK}`],
      ]) {
        given(invitationDecider, pending())
          .when(edit(contosoAdmin, subject, body), at(DAY))
          .thenThrows('INVALID_INPUT', 'R3');
      }
      expect(
        given(invitationDecider, pending())
          .when(edit(contosoAdmin, 'Subject', `Dear customer,\r\n\t${LINK}\n`), at(DAY))
          .events(),
      ).toHaveLength(1);
    });

    it('R3: an edit with an over-long subject or body is refused as INVALID_INPUT', () => {
      const events = pending();
      const link = LINK;
      given(invitationDecider, events)
        .when(edit(contosoAdmin, 's'.repeat(256), link), at(DAY))
        .thenThrows('INVALID_INPUT', 'R3');
      given(invitationDecider, events)
        .when(edit(contosoAdmin, 'Subject', `${link}\n${'b'.repeat(20_000)}`), at(DAY))
        .thenThrows('INVALID_INPUT', 'R3');
      expect(
        given(invitationDecider, events)
          .when(edit(contosoAdmin, 's'.repeat(255), link), at(DAY))
          .events(),
      ).toHaveLength(1);
    });

    it('R3: an edit with an empty subject is refused as INVALID_INPUT', () => {
      const events = pending();
      const link = LINK;

      given(invitationDecider, events)
        .when(edit(contosoAdmin, '   ', `Accept: ${link}`), at(DAY))
        .thenThrows('INVALID_INPUT', 'R3');
    });

    it('R3: the draft cannot be edited after acceptance', () => {
      const events = [created(), acceptedBy('fabrikam')];
      const link = createdEvent(events).data.invitationUrl;

      const error = given(invitationDecider, events)
        .when(edit(contosoAdmin, 'Late edit', `Accept: ${link}`), at(2 * DAY))
        .thenThrows('PRECONDITION_FAILED', 'R3');
      expect(error.message).toMatch(/accepted/);
    });

    it('R3: the draft of a cancelled or expired invitation cannot be edited', () => {
      const cancelled = [created(), cancelledByContoso];
      const link = createdEvent(cancelled).data.invitationUrl;

      given(invitationDecider, cancelled)
        .when(edit(contosoAdmin, 'Edit', `Accept: ${link}`), at(2 * DAY))
        .thenThrows('PRECONDITION_FAILED', 'R3');
      given(invitationDecider, pending())
        .when(edit(contosoAdmin, 'Edit', `Accept: ${link}`), at(TTL))
        .thenThrows('PRECONDITION_FAILED', 'R3');
    });

    it('R3: another partner cannot edit the invitation: it does not see it (NOT_FOUND)', () => {
      const events = pending();
      const link = LINK;

      given(invitationDecider, events)
        .when(edit(litwareAdmin, 'Edit', `Accept: ${link}`), at(DAY))
        .thenThrows('NOT_FOUND', undefined);
    });

    it('R1: a customer’s Global admin who sees the invitation may not edit its email (FORBIDDEN), one it is not addressed to does not see it (NOT_FOUND)', () => {
      given(invitationDecider, [createdForNorthwind()])
        .when(edit(northwind, 'Edit', `Accept: ${LINK}`), at(DAY))
        .thenThrows('FORBIDDEN', 'R1');
      given(invitationDecider, [createdForNorthwind()])
        .when(edit(fabrikam, 'Edit', `Accept: ${LINK}`), at(DAY))
        .thenThrows('NOT_FOUND', undefined);
    });

    it('R3: the mailto URL encodes the subject and the body of the draft', () => {
      const link = LINK;
      const draft = {
        subject: 'Contoso & you: 100% cloud? #1',
        body: `Dear customer,\n\nselect this link:\n${link}\n\nRegards, Contoso`,
      };

      const url = mailtoUrl(draft);

      expect(url.startsWith('mailto:?')).toBe(true);
      expect(url).not.toMatch(/[\s#]/);
      const params = new URLSearchParams(url.slice('mailto:?'.length));
      expect([...params.keys()]).toEqual(['subject', 'body']);
      expect(params.get('subject')).toBe(draft.subject);
      expect(params.get('body')).toBe(draft.body);
      expect(url).toContain(encodeURIComponent(link));
    });
  });

  describe('R4: whom the invitation is addressed to', () => {
    it.each(['operator', 'partner-ledger', ' Operator '])(
      'R4: an invitation addressed to the product’s own tenant id %p is INVALID_INPUT: no customer has it',
      (tenantId) => {
        given(invitationDecider)
          .when(requestCommand({ intendedCustomer: { tenantId } }), T0)
          .thenThrows('INVALID_INPUT', 'R4');
      },
    );

    it.each(['partner-contoso', 'Partner-Contoso'])(
      'R5: an invitation a partner addresses to its own tenant (%p) is INVALID_INPUT, naming R5: it could never accept it',
      (tenantId) => {
        given(invitationDecider)
          .when(requestCommand({ intendedCustomer: { tenantId } }), T0)
          .thenThrows('INVALID_INPUT', 'R5');
      },
    );

    it('R4: addressed by tenant id, only that customer may accept it', () => {
      const events = [
        created({
          customerTenantId: 'customer-fabrikam',
          intendedCustomer: { tenantId: 'customer-fabrikam' },
        }),
      ];

      given(invitationDecider, events)
        .when(accept(northwind), at(DAY))
        .thenThrows('FORBIDDEN', 'R4');
      const accepted = given(invitationDecider, events).when(accept(fabrikam), at(DAY)).events();
      expect(accepted).toHaveLength(1);
      expect((accepted[0] as Accepted).data.customer.tenantId).toBe('customer-fabrikam');
    });

    it('R4: addressed by domain, matched case-insensitively, only that customer may accept', () => {
      const events = requested({ intendedCustomer: { domain: '  FABRIKAM.onmicrosoft.COM ' } });

      expect(createdEvent(events).data.intendedCustomer).toEqual({
        tenantId: undefined,
        domain: 'fabrikam.onmicrosoft.com',
      });
      given(invitationDecider, events)
        .when(accept(northwind), at(DAY))
        .thenThrows('FORBIDDEN', 'R4');
      given(invitationDecider, events)
        .when(accept(customerGlobalAdmin({ tenantId: 'c-x', tenantDomain: undefined })), at(DAY))
        .thenThrows('FORBIDDEN', 'R4');

      const accepted = given(invitationDecider, events).when(accept(fabrikam), at(DAY)).events();
      expect((accepted[0] as Accepted).data.customer).toEqual({
        tenantId: 'customer-fabrikam',
        name: 'Fabrikam',
        domain: 'fabrikam.onmicrosoft.com',
      });
    });

    it('R4: unaddressed, the first customer to accept binds it; a second one is refused', () => {
      const events = [created(), acceptedBy('northwind')];

      expect(existing(events).acceptedBy).toBe('customer-northwind');
      expect(createdEvent(events).data.intendedCustomer).toBeNull();
      given(invitationDecider, events)
        .when(accept(fabrikam), at(2 * DAY))
        .thenThrows('CONFLICT', 'R6');
    });

    it('R4: a tenant id (a GUID) is matched without regard to case', () => {
      const events = requested({ intendedCustomer: { tenantId: 'CUSTOMER-FABRIKAM' } });

      expect(
        given(invitationDecider, events).when(accept(fabrikam), at(DAY)).events(),
      ).toHaveLength(1);
    });

    it.each([{ tenantId: '  ' }, { domain: '' }])(
      'R4: a blank intended customer %j is refused as INVALID_INPUT, not read as unaddressed',
      (intendedCustomer) => {
        given(invitationDecider)
          .when(requestCommand({ intendedCustomer }), T0)
          .thenThrows('INVALID_INPUT', 'R4');
      },
    );

    it.each(['not a domain', 'fabrikam', 'fabrikam..com', '-fabrikam.com', 'fabrikam.c0m'])(
      'R4: an intended customer domain "%s" is refused as INVALID_INPUT',
      (domain) => {
        given(invitationDecider)
          .when(requestCommand({ intendedCustomer: { domain } }), T0)
          .thenThrows('INVALID_INPUT', 'R4');
      },
    );
  });

  describe('R5: who may accept', () => {
    it('R5: a customer GlobalAdmin accepts an invitation', () => {
      const events = given(invitationDecider, pending()).when(accept(fabrikam), at(DAY)).events();

      expect(events).toEqual([
        {
          type: 'InvitationAccepted',
          data: {
            invitationId: 'inv-1',
            partnerName: 'Contoso',
            partnerTenantId: 'partner-contoso',
            customerTenantId: 'customer-fabrikam',
            includeDelegatedAdmin: true,
            customer: {
              tenantId: 'customer-fabrikam',
              name: 'Fabrikam',
              domain: 'fabrikam.onmicrosoft.com',
            },
          },
        },
      ]);
    });

    it.each([
      ['its own AdminAgent', contosoAdmin],
      ['its own SalesAgent', contosoSales],
      ['its own HelpdeskAgent', contosoHelpdesk],
      ['another partner', litwareAdmin],
      [
        'a partner user claiming GlobalAdmin',
        partnerUser(['AdminAgent'], { roles: ['GlobalAdmin'] }),
      ],
    ])("R5: a partner cannot accept an invitation, its own or another's (%s)", (_who, actor) => {
      const error = given(invitationDecider, pending())
        .when(accept(actor), at(DAY))
        .thenThrows('FORBIDDEN', 'R5');
      expect(error.message).toMatch(/partner/i);
    });

    it.each([
      ['no role', customerUser([])],
      ['another customer role', customerUser(['UserAdministrator', 'BillingAdmin'])],
    ])('R5: a customer user without GlobalAdmin (%s) cannot accept', (_who, actor) => {
      given(invitationDecider, pending())
        .when(accept(actor), at(DAY))
        .thenThrows('FORBIDDEN', 'R5');
    });

    it('R5: a customer-kind token for the inviting partner’s own tenant cannot accept', () => {
      const ownTenant = customerGlobalAdmin({ tenantId: 'partner-contoso', tenantName: 'Contoso' });
      const error = given(invitationDecider, pending())
        .when(accept(ownTenant), at(DAY))
        .thenThrows('FORBIDDEN', 'R5');
      expect(error.message).toMatch(/its own invitation/);
    });

    it('R5: an operator holding GlobalAdmin cannot accept', () => {
      const operator = { ...customerGlobalAdmin(), tenantKind: 'operator' as const };
      given(invitationDecider, pending())
        .when(accept(operator), at(DAY))
        .thenThrows('FORBIDDEN', 'R5');
    });

    it('R5: accepting an unknown invitation is NOT_FOUND', () => {
      given(invitationDecider, [])
        .when(accept(fabrikam), at(DAY))
        .thenThrows('NOT_FOUND', undefined);
    });
  });

  describe('R6: acceptance at most once, cancellation, expiry', () => {
    it('R6: an invitation accepted once cannot be accepted again (CONFLICT)', () => {
      const events = [created(), acceptedBy('fabrikam')];

      given(invitationDecider, events)
        .when(accept(fabrikam), at(2 * DAY))
        .thenThrows('CONFLICT', 'R6');
    });

    it('R6: a cancelled invitation cannot be accepted (PRECONDITION_FAILED)', () => {
      const events = [created(), cancelledByContoso];

      expect(events.at(-1)).toEqual({
        type: 'InvitationCancelled',
        data: { invitationId: 'inv-1', partnerTenantId: 'partner-contoso' },
      });
      given(invitationDecider, events)
        .when(accept(fabrikam), at(2 * DAY))
        .thenThrows('PRECONDITION_FAILED', 'R6');
    });

    it('R6: expiresAt is createdAt + the configured lifetime', () => {
      const ttlMs = 7 * DAY;
      const created = createdEvent(requested({ ttlMs }));

      expect(created.data.createdAt).toBe('2025-03-01T10:00:00.000Z');
      expect(created.data.expiresAt).toBe('2025-03-08T10:00:00.000Z');
    });

    it.each([
      ['exactly at expiresAt', TTL],
      ['a year later', TTL + 365 * DAY],
    ])('R6: an expired invitation (%s) cannot be accepted (PRECONDITION_FAILED)', (_c, offset) => {
      const events = pending();

      expect(invitationStatus(existing(events), at(offset))).toBe('EXPIRED');
      const error = given(invitationDecider, events)
        .when(accept(fabrikam), at(offset))
        .thenThrows('PRECONDITION_FAILED', 'R6');
      expect(error.message).toMatch(/expired/);
    });

    it('R6: a pending invitation is still acceptable just before it expires', () => {
      const events = pending();

      expect(invitationStatus(existing(events), at(TTL - MS))).toBe('PENDING');
      expect(
        given(invitationDecider, events)
          .when(accept(fabrikam), at(TTL - MS))
          .events(),
      ).toEqual([expect.objectContaining({ type: 'InvitationAccepted' })]);
    });

    it('R6: the lifetime is the configured one, not a built-in 90 days', () => {
      const events = [created({ expiresAt: at(2 * DAY).toISOString() })];

      expect(
        given(invitationDecider, events)
          .when(accept(fabrikam), at(2 * DAY - MS))
          .events(),
      ).toHaveLength(1);
      given(invitationDecider, events)
        .when(accept(fabrikam), at(2 * DAY))
        .thenThrows('PRECONDITION_FAILED', 'R6');
    });

    it('R6: status reads ACCEPTED and CANCELLED from the history, whatever the time', () => {
      const accepted = [created(), acceptedBy('fabrikam')];
      const cancelled = [created(), cancelledByContoso];

      expect(invitationStatus(existing(accepted), at(TTL + DAY))).toBe('ACCEPTED');
      expect(invitationStatus(existing(cancelled), at(TTL + DAY))).toBe('CANCELLED');
      expect(invitationStatus(existing(pending()), at(DAY))).toBe('PENDING');
    });

    describe('R6 before R4', () => {
      it('R6: an accepted invitation addressed to someone else gives a stranger CONFLICT', () => {
        const events = [createdForNorthwind(), acceptedBy('northwind')];

        given(invitationDecider, events)
          .when(accept(fabrikam), at(2 * DAY))
          .thenThrows('CONFLICT', 'R6');
      });

      it('R6: a cancelled invitation addressed to someone else gives a stranger PRECONDITION_FAILED', () => {
        const events = [createdForNorthwind(), cancelledByContoso];

        given(invitationDecider, events)
          .when(accept(fabrikam), at(2 * DAY))
          .thenThrows('PRECONDITION_FAILED', 'R6');
      });

      it('R6: an expired invitation addressed to someone else gives a stranger PRECONDITION_FAILED', () => {
        given(invitationDecider, [createdForNorthwind()])
          .when(accept(fabrikam), at(TTL))
          .thenThrows('PRECONDITION_FAILED', 'R6');
      });

      it('R6: a pending invitation addressed to someone else gives a stranger FORBIDDEN R4', () => {
        given(invitationDecider, [createdForNorthwind()])
          .when(accept(fabrikam), at(DAY))
          .thenThrows('FORBIDDEN', 'R4');
      });
    });

    it.each([
      ['AdminAgent', contosoAdmin],
      ['SalesAgent', contosoSales],
    ])('R6: the own partner (%s) may cancel a pending invitation', (_role, actor) => {
      const events = given(invitationDecider, pending()).when(cancel(actor), at(DAY)).events();

      expect(events).toEqual([
        {
          type: 'InvitationCancelled',
          data: { invitationId: 'inv-1', partnerTenantId: 'partner-contoso' },
        },
      ]);
    });

    it('R6: another partner cannot cancel the invitation: it does not see it (NOT_FOUND)', () => {
      given(invitationDecider, pending())
        .when(cancel(litwareAdmin), at(DAY))
        .thenThrows('NOT_FOUND', undefined);
    });

    it('R6: a customer’s Global admin who sees the invitation may not cancel it (FORBIDDEN), one it is not addressed to does not see it (NOT_FOUND)', () => {
      given(invitationDecider, pending())
        .when(cancel(fabrikam), at(DAY))
        .thenThrows('FORBIDDEN', 'R6');
      given(invitationDecider, [createdForNorthwind()])
        .when(cancel(northwind), at(DAY))
        .thenThrows('FORBIDDEN', 'R6');
      given(invitationDecider, [createdForNorthwind()])
        .when(cancel(fabrikam), at(DAY))
        .thenThrows('NOT_FOUND', undefined);
    });

    it('R6: a HelpdeskAgent of the own partner may not cancel (FORBIDDEN)', () => {
      given(invitationDecider, pending())
        .when(cancel(contosoHelpdesk), at(DAY))
        .thenThrows('FORBIDDEN', 'R6');
    });

    it('R6: cancelling an unknown invitation is NOT_FOUND', () => {
      given(invitationDecider)
        .when(cancel(contosoAdmin), at(DAY))
        .thenThrows('NOT_FOUND', undefined);
    });

    it.each([
      ['accepted', () => [created(), acceptedBy('fabrikam')], at(2 * DAY)],
      ['cancelled', () => [created(), cancelledByContoso], at(2 * DAY)],
      ['expired', pending, at(TTL)],
    ])('R6: an %s invitation cannot be cancelled (PRECONDITION_FAILED)', (status, events, now) => {
      const error = given(invitationDecider, events())
        .when(cancel(contosoAdmin), now)
        .thenThrows('PRECONDITION_FAILED', 'R6');
      expect(error.message).toContain(status);
    });

    it('R6: an invitation id is used once: requesting it again is a CONFLICT', () => {
      given(invitationDecider, pending())
        .when(requestCommand(), at(DAY))
        .thenThrows('CONFLICT', undefined);
    });
  });

  describe('decide is pure', () => {
    afterEach(() => jest.useRealTimers());

    it('same history, command and time give the same events', () => {
      const command = requestCommand({ intendedCustomer: { domain: 'fabrikam.onmicrosoft.com' } });
      const first = decideOn(invitationDecider, [], command, T0);
      const second = decideOn(invitationDecider, [], command, T0);

      expect(second).toEqual(first);
      expect(second).not.toBe(first);
      const events = pending();
      expect(decideOn(invitationDecider, events, accept(fabrikam), at(DAY))).toEqual(
        decideOn(invitationDecider, events, accept(fabrikam), at(DAY)),
      );
    });

    it('deciding (even a refusal) leaves the state it was given unchanged', () => {
      const state = fold(invitationDecider, pending());
      const snapshot = structuredClone(state);

      invitationDecider.decide(accept(fabrikam), state, at(DAY));
      expect(() => invitationDecider.decide(accept(contosoAdmin), state, at(DAY))).toThrow();
      expect(state).toEqual(snapshot);
    });

    it('time comes only from the `now` argument, never from the clock', () => {
      jest.useFakeTimers({ now: new Date('2099-01-01T00:00:00.000Z') });

      const events = requested();
      expect(createdEvent(events).data.createdAt).toBe(T0.toISOString());
      // The clock is far past expiry, but `now` is not: still acceptable.
      expect(
        given(invitationDecider, events).when(accept(fabrikam), at(DAY)).events(),
      ).toHaveLength(1);

      jest.setSystemTime(new Date('2000-01-01T00:00:00.000Z'));
      // The clock is before creation, but `now` is past expiry: expired.
      given(invitationDecider, events)
        .when(accept(fabrikam), at(TTL))
        .thenThrows('PRECONDITION_FAILED', 'R6');
    });
  });
});
