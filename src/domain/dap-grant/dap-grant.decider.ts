import { assertPartnerMay, type DapStatus } from '../access/partner-capabilities';
import { isCustomerGlobalAdmin } from '../shared/actor';
import { assertNever, type Decider, unhandled } from '../shared/decider';
import {
  DomainError,
  forbidden,
  invalidInput,
  notFound,
  preconditionFailed,
} from '../shared/domain-error';
import type { DapGrantCommand } from './commands';
import { DAP_ROLE_ASSIGNMENTS, type DapGrantEvent } from './events';

export interface DapGrantState {
  status: DapStatus;
  grantedByInvitationIds: ReadonlySet<string>;
}

const TITLE_MAX = 200;
const DESCRIPTION_MAX = 10_000;

type Of<T extends DapGrantCommand['type']> = Extract<DapGrantCommand, { type: T }>;

function grant(command: Of<'GrantDelegatedAdmin'>, state: DapGrantState): DapGrantEvent[] {
  // R8: accepting another invitation with DAP renegotiates it; while DAP is active nothing changes.
  if (state.status === 'ACTIVE' || state.grantedByInvitationIds.has(command.invitationId))
    return [];
  return [
    {
      type: 'DelegatedAdminGranted',
      data: {
        partnerTenantId: command.partnerTenantId,
        partnerName: command.partnerName,
        customerTenantId: command.customer.tenantId,
        customerName: command.customer.name,
        invitationId: command.invitationId,
        roles: [...DAP_ROLE_ASSIGNMENTS],
      },
    },
  ];
}

function remove(
  command: Of<'RemoveDelegatedAdminPrivileges'>,
  state: DapGrantState,
): DapGrantEvent[] {
  const { actor } = command;
  if (!isCustomerGlobalAdmin(actor) || actor.tenantId !== command.customerTenantId) {
    throw forbidden(
      'R12',
      'Only a Global admin of the customer tenant may remove a partner’s delegated admin privileges.',
    );
  }
  if (!command.relationshipActive && state.status === 'NONE') {
    throw notFound('Your organisation has no relationship with this partner.');
  }
  if (state.status !== 'ACTIVE') {
    throw preconditionFailed(
      'R12',
      'This partner holds no delegated admin privileges in your organisation; there is nothing to remove.',
    );
  }
  if (!command.confirm) {
    throw new DomainError(
      'CONFIRMATION_REQUIRED',
      'Removing delegated admin privileges takes the partner’s Global Administrator and Helpdesk Administrator roles away; nothing was changed. Repeat with confirm: true to remove them. The reseller relationship stays.',
      'R12',
    );
  }
  return [
    {
      type: 'DelegatedAdminRemoved',
      data: {
        partnerTenantId: command.partnerTenantId,
        customerTenantId: command.customerTenantId,
        reason: 'REMOVED_BY_CUSTOMER',
      },
    },
  ];
}

function revokeOnRelationshipEnd(
  command: Of<'RevokeDelegatedAdminOnRelationshipEnd'>,
  state: DapGrantState,
): DapGrantEvent[] {
  if (state.status !== 'ACTIVE') return [];
  const { partnerTenantId, customerTenantId } = command;
  return [
    {
      type: 'DelegatedAdminRemoved',
      data: { partnerTenantId, customerTenantId, reason: 'RELATIONSHIP_ENDED' },
    },
  ];
}

function openServiceRequest(
  command: Of<'OpenServiceRequest'>,
  state: DapGrantState,
): DapGrantEvent[] {
  assertPartnerMay(command.actor, command.partnerTenantId, 'OPEN_SERVICE_REQUEST', {
    relationshipActive: command.relationshipActive,
    dapStatus: state.status,
  });
  const title = command.title.trim();
  const description = command.description.trim();
  if (!title || title.length > TITLE_MAX) {
    throw invalidInput(`A service request needs a title of 1 to ${TITLE_MAX} characters.`);
  }
  if (!description || description.length > DESCRIPTION_MAX) {
    throw invalidInput(
      `A service request needs a description of 1 to ${DESCRIPTION_MAX} characters.`,
    );
  }
  return [
    {
      type: 'ServiceRequestOpened',
      data: {
        partnerTenantId: command.partnerTenantId,
        customerTenantId: command.customerTenantId,
        serviceRequestId: command.serviceRequestId,
        title,
        description,
      },
    },
  ];
}

/**
 * Delegated admin privileges of one partner in one customer tenant (R10–R14). Service requests
 * are recorded on this stream too, so its expected revision orders them against a removal.
 */
export const dapGrantDecider: Decider<DapGrantCommand, DapGrantEvent, DapGrantState> = {
  initialState: { status: 'NONE', grantedByInvitationIds: new Set() },

  evolve(state, event) {
    switch (event.type) {
      case 'DelegatedAdminGranted':
        return {
          ...state,
          status: 'ACTIVE',
          grantedByInvitationIds: new Set([
            ...state.grantedByInvitationIds,
            event.data.invitationId,
          ]),
        };
      case 'DelegatedAdminRemoved':
        return { ...state, status: 'REMOVED' };
      case 'ServiceRequestOpened':
        return state;
      default:
        return unhandled(state, event);
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'GrantDelegatedAdmin':
        return grant(command, state);
      case 'RemoveDelegatedAdminPrivileges':
        return remove(command, state);
      case 'RevokeDelegatedAdminOnRelationshipEnd':
        return revokeOnRelationshipEnd(command, state);
      case 'OpenServiceRequest':
        return openServiceRequest(command, state);
      default:
        return assertNever(command);
    }
  },
};
