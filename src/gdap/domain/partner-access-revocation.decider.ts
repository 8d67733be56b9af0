import type { Actor } from '../../platform/domain/actor';
import { assertNever, type Decider } from '../../platform/domain/decider';
import type { PartnerAccessEvent } from './events';
import { assertMayRevokePartnerAccess } from './partner-access';

export type PartnerAccessCommand = {
  type: 'RequestPartnerAccessRevocation';
  actor: Actor;
  partnerTenantId: string;
};

/** How many times the customer asked to end this partner's access. */
export interface PartnerAccessState {
  requests: number;
}

/**
 * R70: the customer's request to end every grant a partner holds in its tenant, recorded on the
 * pair's own stream (`partneraccess-<p>_<c>`, written by nobody else) before anything is ended, so
 * the request always records under load and the reactor finishes it after a crash.
 */
export const partnerAccessRevocationDecider: Decider<
  PartnerAccessCommand,
  PartnerAccessEvent,
  PartnerAccessState
> = {
  initialState: { requests: 0 },
  evolve(state, event) {
    switch (event.type) {
      case 'PartnerAccessRevocationRequested':
        return { requests: state.requests + 1 };
      default:
        return state;
    }
  },
  decide(command, _state, now) {
    switch (command.type) {
      case 'RequestPartnerAccessRevocation': {
        const customerTenantId = assertMayRevokePartnerAccess(command.actor);
        return [
          {
            type: 'PartnerAccessRevocationRequested',
            data: {
              partnerTenantId: command.partnerTenantId,
              customerTenantId,
              requestedAt: now.toISOString(),
            },
          },
        ];
      }
      default:
        return assertNever(command.type);
    }
  },
};
