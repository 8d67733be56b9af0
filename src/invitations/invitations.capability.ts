import { invitationsProjection } from '../../projections/invitations/invitations.projection';
import type { Capability } from '../platform/capability';
import { invitationDecider } from './domain/invitation.decider';
import { relationshipDecider } from './domain/relationship.decider';

/** R1–R9: invitations and the reseller relationship they establish. */
export const invitationsCapability: Capability = {
  name: 'invitations',
  streams: { invitation: invitationDecider, relationship: relationshipDecider },
  projections: [invitationsProjection],
};
