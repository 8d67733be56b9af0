import type { Decider } from '../shared/decider';
import type { RelationshipCommand } from './commands';
import type { RelationshipEvent } from './events';

export interface RelationshipState {
  active: boolean;
  acceptedInvitationIds: ReadonlySet<string>;
}

/** The reseller relationship of one (partner, customer) pair: one stream, so at most one (R7). */
export const relationshipDecider: Decider<
  RelationshipCommand,
  RelationshipEvent,
  RelationshipState
> = {
  initialState: { active: false, acceptedInvitationIds: new Set() },

  evolve(state, event) {
    switch (event.type) {
      case 'RelationshipEstablished':
        return {
          active: true,
          acceptedInvitationIds: new Set([...state.acceptedInvitationIds, event.data.invitationId]),
        };
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'EstablishRelationship':
        // R8: an accepted invitation from a partner the customer already has changes nothing here.
        if (state.active || state.acceptedInvitationIds.has(command.invitationId)) return [];
        return [
          {
            type: 'RelationshipEstablished',
            data: {
              partnerTenantId: command.partnerTenantId,
              partnerName: command.partnerName,
              customer: command.customer,
              invitationId: command.invitationId,
            },
          },
        ];
    }
  },
};
