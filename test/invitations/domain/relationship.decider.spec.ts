import type { RelationshipCommand } from '../../../src/invitations/domain/commands';
import type { InvitationEvent, RelationshipEvent } from '../../../src/invitations/domain/events';
import { relationshipFollowUps } from '../../../src/invitations/domain/policies';
import { relationshipDecider } from '../../../src/invitations/domain/relationship.decider';
import { fold } from '../../../src/platform/domain/decider';
import { decideOn, given } from '../../support/given';

const T0 = new Date('2025-03-01T10:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;
const at = (offsetMs: number): Date => new Date(T0.getTime() + offsetMs);

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

/** Fabrikam accepted Contoso's invitation `invitationId`, as the invitation stream records it. */
const accepted = (invitationId: string, includeDelegatedAdmin: boolean): InvitationEvent => ({
  type: 'InvitationAccepted',
  data: {
    invitationId,
    partnerTenantId: 'partner-contoso',
    customerTenantId: 'customer-fabrikam',
    partnerName: 'Contoso',
    includeDelegatedAdmin,
    customer: fabrikamIdentity,
  },
});

/** The command the acceptance's follow-up (domain/policies.ts) decides on the relationship stream. */
function establishing(acceptance: InvitationEvent): RelationshipCommand {
  const [followUp] = relationshipFollowUps(acceptance);
  if (followUp?.kind !== 'decide') throw new Error('the acceptance calls for no decision');
  return followUp.command;
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
    const command = establishing(accepted('inv-1', true));

    expect(given(relationshipDecider).when(command, at(DAY)).events()).toEqual([
      established('inv-1'),
    ]);
  });

  it('R8: accepting another invitation from a partner the customer already has changes nothing here', () => {
    given(relationshipDecider, [established('inv-1')])
      .when(establishing(accepted('inv-2', false)), at(2 * DAY))
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
