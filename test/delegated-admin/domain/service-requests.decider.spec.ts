import type { PairSnapshot } from '../../../src/platform/domain/revocation-fences';
import { revocationStarted } from '../../../src/platform/domain/revocation-fences';
import type { ServiceRequestCommand } from '../../../src/delegated-admin/domain/service-requests/commands';
import type { ServiceRequestEvent } from '../../../src/delegated-admin/domain/service-requests/events';
import { serviceRequestsDecider } from '../../../src/delegated-admin/domain/service-requests/service-requests.decider';
import type { Actor } from '../../../src/platform/domain/actor';
import { customerUser, given, partnerUser } from '../../support/given';

const T0 = new Date('2025-03-01T10:00:00.000Z');
const CONTOSO = 'partner-contoso';
const FABRIKAM = 'customer-fabrikam';

const contosoAdmin = partnerUser(['AdminAgent'], { tenantId: CONTOSO, tenantName: 'Contoso' });
const contosoSales = partnerUser(['SalesAgent'], { tenantId: CONTOSO, tenantName: 'Contoso' });
const contosoHelpdesk = partnerUser(['HelpdeskAgent'], { tenantId: CONTOSO });
const litwareAdmin = partnerUser(['AdminAgent'], { tenantId: 'partner-litware' });

/** The pair's streams as the handler read them: relationship at revision 0, DAP at `dapRevision`. */
const pair = (
  dapStatus: PairSnapshot['dap']['status'] = 'ACTIVE',
  { relationshipActive = true, dapRevision = 0, relationshipRevision = 0 } = {},
): PairSnapshot => ({
  relationship: { active: relationshipActive, revision: relationshipRevision },
  dap: { status: dapStatus, revision: dapRevision },
});

const open = (
  actor: Actor,
  overrides: Partial<ServiceRequestCommand> = {},
): ServiceRequestCommand => ({
  type: 'OpenServiceRequest',
  actor,
  partnerTenantId: CONTOSO,
  customerTenantId: FABRIKAM,
  serviceRequestId: 'sr-1',
  title: 'Mailbox quota',
  description: 'The CFO mailbox is full.',
  pair: pair(),
  ...overrides,
});

const dapFence = (factRevision: number): ServiceRequestEvent =>
  revocationStarted(CONTOSO, FABRIKAM, 'DELEGATED_ADMIN', factRevision, 'SERVICE_REQUESTS');
const relationshipFence = (factRevision: number): ServiceRequestEvent =>
  revocationStarted(CONTOSO, FABRIKAM, 'RELATIONSHIP', factRevision, 'SERVICE_REQUESTS');

describe('ServiceRequests decider', () => {
  describe('R14: service requests with DAP', () => {
    it.each([
      ['AdminAgent', contosoAdmin],
      ['HelpdeskAgent', contosoHelpdesk],
    ])('R14: a partner %s may open one; title and description are trimmed', (_role, actor) => {
      const events = given(serviceRequestsDecider)
        .when(
          open(actor, {
            serviceRequestId: 'sr-42',
            title: '  Mailbox quota \n',
            description: '\t The CFO mailbox is full.  ',
          }),
          T0,
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
    });

    it('R14: a title holding a control or text-direction character, or a description holding one but line breaks and tabs, is INVALID_INPUT', () => {
      for (const title of ['Reset\u202eexe.', 'Bell\u0007', 'Two\nlines']) {
        given(serviceRequestsDecider)
          .when(open(contosoAdmin, { title }), T0)
          .thenThrows('INVALID_INPUT', undefined);
      }
      for (const description of ['Looks \u2067fine', 'Clear\u001b[2J screen']) {
        given(serviceRequestsDecider)
          .when(open(contosoAdmin, { description }), T0)
          .thenThrows('INVALID_INPUT', undefined);
      }
      const [event] = given(serviceRequestsDecider)
        .when(open(contosoAdmin, { description: 'Steps:\r\n\t1. Sign in\n\t2. Reset' }), T0)
        .events();
      expect(event.data).toMatchObject({ description: 'Steps:\r\n\t1. Sign in\n\t2. Reset' });
    });

    it('R14: a partner SalesAgent gets nothing from DAP', () => {
      given(serviceRequestsDecider).when(open(contosoSales), T0).thenThrows('FORBIDDEN', 'R14');
    });

    it('R14: a partner user without any role may not open a service request', () => {
      given(serviceRequestsDecider)
        .when(open(partnerUser([], { tenantId: CONTOSO })), T0)
        .thenThrows('FORBIDDEN', 'R14');
    });

    it('R17: an AdminAgent of another partner tenant may not open a request for this partner', () => {
      given(serviceRequestsDecider).when(open(litwareAdmin), T0).thenThrows('FORBIDDEN', 'R17');
    });

    it('R17: a customer user may not open a service request on the partner’s behalf', () => {
      const customerWithPartnerRoles = customerUser(['GlobalAdmin', 'AdminAgent'], {
        tenantId: CONTOSO,
      });
      given(serviceRequestsDecider)
        .when(open(customerWithPartnerRoles), T0)
        .thenThrows('FORBIDDEN', 'R17');
    });

    it('R7: without an active reseller relationship no service request can be opened', () => {
      given(serviceRequestsDecider)
        .when(open(contosoAdmin, { pair: pair('ACTIVE', { relationshipActive: false }) }), T0)
        .thenThrows('FORBIDDEN', 'R7');
    });

    it('R14: with a relationship but DAP never granted, no service request can be opened', () => {
      const error = given(serviceRequestsDecider)
        .when(open(contosoAdmin, { pair: pair('NONE', { dapRevision: -1 }) }), T0)
        .thenThrows('FORBIDDEN', 'R14');
      expect(error.message).toMatch(/invitation that includes DAP/);
    });

    it.each([
      ['an empty title', { title: '' }],
      ['a blank title', { title: ' \n\t ' }],
      ['a title of zero-width characters only', { title: '\u200b\u200d' }],
      ['a title of a Hangul filler (shown blank)', { title: '\u3164' }],
      ['a title of a braille blank', { title: '\u2800' }],
      ['a title of a variation selector only', { title: '\ufe0f' }],
      ['a title of combining marks with nothing to mark', { title: '\u0301\u0301' }],
      ['a description of zero-width characters only', { description: '\u200b' }],
      ['a title over 200 characters', { title: 'x'.repeat(201) }],
      ['an empty description', { description: '' }],
      ['a blank description', { description: '   ' }],
      ['a description over 10000 characters', { description: 'y'.repeat(10_001) }],
    ])('R14: a service request with %s is invalid input', (_what, overrides) => {
      given(serviceRequestsDecider)
        .when(open(contosoAdmin, overrides), T0)
        .thenThrows('INVALID_INPUT', undefined);
    });

    it('R14: a title of 200 and a description of 10000 characters (after trimming) are accepted', () => {
      const title = 't'.repeat(200);
      const description = 'd'.repeat(10_000);
      const events = given(serviceRequestsDecider)
        .when(open(contosoAdmin, { title: ` ${title} `, description: `${description}\n` }), T0)
        .events();
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ data: { title, description } });
    });
  });

  describe('R13: after and during a DAP removal', () => {
    it.each([
      ['AdminAgent', contosoAdmin],
      ['HelpdeskAgent', contosoHelpdesk],
    ])(
      'R13: a partner %s can no longer open one and is told a new invitation with DAP is needed',
      (_role, actor) => {
        const error = given(serviceRequestsDecider)
          .when(open(actor, { pair: pair('REMOVED', { dapRevision: 1 }) }), T0)
          .thenThrows('FORBIDDEN', 'R13');
        expect(error.message).toMatch(/new invitation/i);
        expect(error.message).toMatch(/accept/i);
      },
    );

    it('R13: a removal under way (its fence, DapGrant stream not yet moved) refuses the request', () => {
      given(serviceRequestsDecider, [dapFence(0)])
        .when(open(contosoAdmin, { pair: pair('ACTIVE', { dapRevision: 0 }) }), T0)
        .thenThrows('FORBIDDEN', 'R13');
    });

    it('R13: a request that read DAP before the fenced revision is refused behind the fence', () => {
      given(serviceRequestsDecider, [dapFence(3)])
        .when(open(contosoAdmin, { pair: pair('ACTIVE', { dapRevision: 2 }) }), T0)
        .thenThrows('FORBIDDEN', 'R13');
    });

    it('R13: a fence whose removal lost its race (DAP still active, stream moved on) blocks nothing', () => {
      const events = given(serviceRequestsDecider, [dapFence(0)])
        .when(open(contosoAdmin, { pair: pair('ACTIVE', { dapRevision: 1 }) }), T0)
        .events();
      expect(events.map((event) => event.type)).toEqual(['ServiceRequestOpened']);
    });

    it('R13: once the customer accepts a new invitation with DAP, service requests work again', () => {
      const events = given(serviceRequestsDecider, [dapFence(0)])
        .when(open(contosoAdmin, { pair: pair('ACTIVE', { dapRevision: 2 }) }), T0)
        .events();
      expect(events.map((event) => event.type)).toEqual(['ServiceRequestOpened']);
    });
  });

  describe('R9: while the relationship ends', () => {
    it('R9: an end under way (its fence) refuses service requests as if the relationship had ended', () => {
      given(serviceRequestsDecider, [relationshipFence(4)])
        .when(open(contosoAdmin, { pair: pair('ACTIVE', { relationshipRevision: 4 }) }), T0)
        .thenThrows('FORBIDDEN', 'R7');
    });
  });
});
