import { assertPartnerMay } from '../partner-capabilities';
import { type Fence, factsBehindFence, fenced } from '../../../platform/domain/revocation-fences';
import { type Decider, unhandled } from '../../../platform/domain/decider';
import { invalidInput } from '../../../platform/domain/domain-error';
import {
  hasMoreCharactersThan,
  isPrintable,
  isPrintableText,
  showsAnything,
} from '../../../platform/domain/printable-text';
import type { ServiceRequestCommand } from './commands';
import type { ServiceRequestEvent } from './events';

export interface ServiceRequestsState {
  fence: Fence;
  opened: number;
}

const TITLE_MAX = 200;
const DESCRIPTION_MAX = 10_000;

/**
 * R13, R14: the service requests one partner opens on one customer's behalf. They depend on the
 * pair's relationship and DAP, which live on other streams; revoking either first fences this
 * stream (PartnerAccessRevocationStarted), so a request decided on a stale "DAP active" fails its
 * expected revision here, is decided again behind the fence and refused.
 */
export const serviceRequestsDecider: Decider<
  ServiceRequestCommand,
  ServiceRequestEvent,
  ServiceRequestsState
> = {
  initialState: { fence: {}, opened: 0 },

  evolve(state, event) {
    switch (event.type) {
      case 'ServiceRequestOpened':
        return { ...state, opened: state.opened + 1 };
      case 'PartnerAccessRevocationStarted':
        return { ...state, fence: fenced(state.fence, event) };
      default:
        return unhandled(state, event);
    }
  },

  decide(command, state, now) {
    assertPartnerMay(
      command.actor,
      command.partnerTenantId,
      'OPEN_SERVICE_REQUEST',
      factsBehindFence(command.pair, state.fence, now),
    );
    const title = command.title.trim();
    const description = command.description.trim();
    if (!showsAnything(title) || hasMoreCharactersThan(title, TITLE_MAX)) {
      throw invalidInput(`A service request needs a title of 1 to ${TITLE_MAX} characters.`);
    }
    if (!showsAnything(description) || hasMoreCharactersThan(description, DESCRIPTION_MAX)) {
      throw invalidInput(
        `A service request needs a description of 1 to ${DESCRIPTION_MAX} characters.`,
      );
    }
    // The customer reads both, the title in one-line audit summaries too: they must read as typed.
    if (!isPrintable(title)) {
      throw invalidInput('A service request title holds no control or text-direction characters.');
    }
    if (!isPrintableText(description)) {
      throw invalidInput(
        'A service request description holds no control or text-direction characters but line breaks and tabs.',
      );
    }
    const { partnerTenantId, customerTenantId, serviceRequestId } = command;
    return [
      {
        type: 'ServiceRequestOpened',
        data: { partnerTenantId, customerTenantId, serviceRequestId, title, description },
      },
    ];
  },
};
