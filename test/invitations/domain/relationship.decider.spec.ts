import type {
  InvitationCommand,
  RelationshipCommand,
} from '../../../src/invitations/domain/commands';
import type { InvitationEvent, RelationshipEvent } from '../../../src/invitations/domain/events';
import { invitationDecider } from '../../../src/invitations/domain/invitation.decider';
import { relationshipDecider } from '../../../src/invitations/domain/relationship.decider';
import { fold } from '../../../src/platform/domain/decider';
import { customerGlobalAdmin, decideOn, given, partnerUser } from '../../support/given';

const T0 = new Date('2025-03-01T10:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;
const at = (offsetMs: number): Date => new Date(T0.getTime() + offsetMs);

const contosoAdmin = partnerUser(['AdminAgent'], {
  tenantId: 'partner-contoso',
  tenantName: 'Contoso',
});
const fabrikam = customerGlobalAdmin({
  tenantId: 'customer-fabrikam',
  tenantName: 'Fabrikam',
  tenantDomain: 'fabrikam.onmicrosoft.com',
});
const fabrikamIdentity = {
  tenantId: 'customer-fabrikam',
  name: 'Fabrikam',
  domain: 'fabrikam.onmicrosoft.com',
};

const establish = (invitationId: string): RelationshipCommand => ({
  type: 'EstablishRelationship',
  invitationId,
  partnerTenantId: 'partner-contoso',
  partnerName: 'Contoso',
  customer: fabrikamIdentity,
});

const established = (invitationId: string): RelationshipEvent => ({
  type: 'RelationshipEstablished',
  data: {
    partnerTenantId: 'partner-contoso',
    customerTenantId: 'customer-fabrikam',
    partnerName: 'Contoso',
    customer: fabrikamIdentity,
    invitationId,
  },
});

/** Runs an invitation from request to acceptance and returns the EstablishRelationship it leads to. */
function acceptedInvitation(invitationId: string, includeDelegatedAdmin: boolean) {
  const request: InvitationCommand = {
    type: 'RequestResellerRelationship',
    actor: contosoAdmin,
    invitationId,
    includeDelegatedAdmin,
    intendedCustomer: null,
    invitationBaseUrl: 'https://admin.microsoft.com/Adminportal/Home',
    ttlMs: 90 * DAY,
  };
  const created = decideOn(invitationDecider, [], request, T0);
  const [accepted] = decideOn(
    invitationDecider,
    created,
    { type: 'AcceptResellerInvitation', actor: fabrikam, invitationId },
    at(DAY),
  );
  if (accepted?.type !== 'InvitationAccepted') throw new Error('invitation was not accepted');
  const createdEvent = created[0] as Extract<InvitationEvent, { type: 'InvitationCreated' }>;
  const command: RelationshipCommand = {
    type: 'EstablishRelationship',
    invitationId: accepted.data.invitationId,
    partnerTenantId: accepted.data.partnerTenantId,
    partnerName: createdEvent.data.partnerName,
    customer: accepted.data.customer,
  };
  return { accepted, command };
}

describe('relationship decider', () => {
  it('R7: accepting on a new (partner, customer) stream establishes the relationship', () => {
    const events = given(relationshipDecider, []).when(establish('inv-1'), T0).events();

    expect(events).toEqual([established('inv-1')]);
  });

  it('R7: the established relationship is active and remembers the invitation', () => {
    const state = fold(relationshipDecider, [established('inv-1')]);

    expect(fold(relationshipDecider, []).active).toBe(false);
    expect(state.active).toBe(true);
    expect([...state.acceptedInvitationIds]).toEqual(['inv-1']);
  });

  it('R7: at most one relationship per pair: when already active, nothing is decided', () => {
    given(relationshipDecider, [established('inv-1')])
      .when(establish('inv-2'), at(DAY))
      .thenNothing();
  });

  it('R7: the acceptance of an invitation leads to a relationship for its partner and customer', () => {
    const { command } = acceptedInvitation('inv-1', true);

    expect(given(relationshipDecider).when(command, at(DAY)).events()).toEqual([
      established('inv-1'),
    ]);
  });

  it('R8: accepting another invitation from a partner the customer already has changes nothing here', () => {
    const first = acceptedInvitation('inv-1', true);
    const history = decideOn(relationshipDecider, [], first.command, at(DAY));
    expect(history).toHaveLength(1);

    const second = acceptedInvitation('inv-2', false);
    expect(second.accepted.data.invitationId).toBe('inv-2');
    given(relationshipDecider, history)
      .when(second.command, at(2 * DAY))
      .thenNothing();
  });

  it('R8: the same invitation establishing again is idempotent (nothing decided)', () => {
    given(relationshipDecider, [established('inv-1')])
      .when(establish('inv-1'), at(DAY))
      .thenNothing();
  });

  describe('decide is pure', () => {
    afterEach(() => jest.useRealTimers());

    it('same inputs give the same outputs, whatever `now` and the clock say', () => {
      const first = decideOn(relationshipDecider, [], establish('inv-1'), T0);
      jest.useFakeTimers({ now: new Date('2099-01-01T00:00:00.000Z') });
      const second = decideOn(relationshipDecider, [], establish('inv-1'), at(365 * DAY));

      expect(second).toEqual(first);
      expect(second).not.toBe(first);
    });

    it('evolve returns a new state and leaves the previous one unchanged', () => {
      const before = fold(relationshipDecider, [established('inv-1')]);
      const after = relationshipDecider.evolve(before, established('inv-2'));

      expect([...before.acceptedInvitationIds]).toEqual(['inv-1']);
      expect([...after.acceptedInvitationIds]).toEqual(['inv-1', 'inv-2']);
      expect(relationshipDecider.initialState.acceptedInvitationIds.size).toBe(0);
    });
  });
});
