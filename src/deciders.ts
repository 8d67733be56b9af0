import { autopilotRegistryDecider } from './autopilot/domain/autopilot-registry.decider';
import { dapGrantDecider } from './delegated-admin/domain/dap-grant/dap-grant.decider';
import { invitationDecider } from './invitations/domain/invitation.decider';
import { relationshipDecider } from './invitations/domain/relationship.decider';
import { serviceRequestsDecider } from './delegated-admin/domain/service-requests/service-requests.decider';
import type { DomainEvent } from './events';
import type { Decider } from './platform/domain/decider';
import { streamCategory } from './platform/domain/streams';
import { subscriptionRbacDecider } from './azure-subscriptions/domain/subscription-rbac.decider';

/**
 * How a stream's events fold into its aggregate's state; `viewAfter`, where given, is what history
 * shows of the state after an event (undefined: one this version cannot read), else the state.
 */
export type Folder = Pick<Decider<unknown, DomainEvent, unknown>, 'initialState' | 'evolve'> & {
  viewAfter?: (state: unknown, event: DomainEvent | undefined) => unknown;
};

/** Each stream category's decider (streams are `category-id`): a new aggregate adds one line. */
const DECIDERS = {
  invitation: invitationDecider,
  relationship: relationshipDecider,
  dapgrant: dapGrantDecider,
  servicerequests: serviceRequestsDecider,
  subscription: subscriptionRbacDecider,
  autopilot: autopilotRegistryDecider,
} as Record<string, Folder>;

/** The decider that folds `streamId`'s events, or undefined for a category without one. */
export const deciderOf = (streamId: string): Folder | undefined =>
  DECIDERS[streamCategory(streamId)];
