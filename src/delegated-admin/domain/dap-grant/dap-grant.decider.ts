import type { DapStatus } from '../partner-capabilities';
import { isCustomerGlobalAdmin } from '../../../platform/domain/actor';
import { assertNever, type Decider, unhandled } from '../../../platform/domain/decider';
import {
  DomainError,
  forbidden,
  notFound,
  preconditionFailed,
} from '../../../platform/domain/domain-error';
import type { DapGrantCommand } from './commands';
import { DAP_ROLE_ASSIGNMENTS, type DapGrantEvent } from './events';

export interface DapGrantState {
  status: DapStatus;
  grantedByInvitationIds: ReadonlySet<string>;
  /** The acceptance whose grant (or renegotiation) was recorded last. */
  lastGrantedBy?: string;
  /** The acceptances that established the relationships DAP was granted in (R7, R9). */
  grantedWithin: ReadonlySet<string>;
}

type Of<T extends DapGrantCommand['type']> = Extract<DapGrantCommand, { type: T }>;

function grant(command: Of<'GrantDelegatedAdmin'>, state: DapGrantState): DapGrantEvent[] {
  // R8: accepting another invitation with DAP renegotiates it, recorded while DAP is active too,
  // with the relationship it was decided in: an earlier end's removal spares it (below).
  if (state.grantedByInvitationIds.has(command.invitationId)) return [];
  // R9, R12, R70: an end, a removal or a request to end all recorded after the acceptance came
  // after this grant.
  const { since, relationship } = command;
  if (since?.relationshipEnded || since?.removedByCustomer || since?.revocationRequested) return [];
  // R9: an acceptance while the end runs is taken by it; granted, DAP would outlive the end in the
  // log until the acceptance's check removed it again (RemoveOvertakenGrant).
  if (relationship?.ending) return [];
  const within = relationship?.active ? relationship.establishedByInvitationId : undefined;
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
        ...(within ? { relationshipEstablishedBy: within } : {}),
        ...(state.status === 'ACTIVE' ? { renegotiated: true as const } : {}),
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
  // A partner on the Partner relationships page (R15), through GDAP alone too, is known.
  const related = command.relationshipActive || command.gdapRelationshipInForce;
  if (!related && state.status === 'NONE') {
    throw notFound('Your organisation has no relationship with this partner.');
  }
  if (state.status !== 'ACTIVE') {
    throw preconditionFailed(
      'R12',
      'This partner holds no delegated admin privileges in your organisation; there is nothing to remove.',
    );
  }
  if (!command.confirm) {
    throw new DomainError('CONFIRMATION_REQUIRED', removalWarning(command), 'R12');
  }
  if (command.grantedAgainSinceRequest) return [];
  return [
    {
      type: 'DelegatedAdminRemoved',
      data: {
        partnerTenantId: command.partnerTenantId,
        customerTenantId: command.customerTenantId,
        reason: command.reason ?? 'REMOVED_BY_CUSTOMER',
      },
    },
  ];
}

/**
 * R12: what removal means, for the confirmation answer. DAP is one of the partner's grants (R68):
 * its GDAP roles, approved apart, outlive removal; Autopilot rights stay unless the dap-required
 * policy asks DAP (or a GDAP role) for more than adding devices and removing the partner's own (R35).
 */
function removalWarning(command: Of<'RemoveDelegatedAdminPrivileges'>): string {
  const gdap = 'Its GDAP relationships (roles you approved for its groups apart from DAP)';
  const reseller = 'so does the reseller relationship (for subscriptions and licence renewals)';
  const kept = command.autopilotDapRequired
    ? `${gdap} and Azure subscription roles stay, and ${reseller}; under the dap-required Autopilot policy Autopilot narrows to adding devices and removing those the partner added itself, unless a GDAP role allows more`
    : `${gdap}, Azure subscription roles and Autopilot rights stay, and ${reseller}`;
  return `Nothing was changed: removing delegated admin privileges needs confirm: true. Removal takes the partner’s Global Administrator and Helpdesk Administrator roles away: through DAP the partner can no longer administer your directory or open service requests on your behalf. ${kept}; previewRevokePartnerAccess lists everything the partner holds, and revokePartnerAccess ends all of it at once.`;
}

/**
 * R9, R70: the grant of `invitationId`, if it is DAP's last and still stands, though an end or a
 * request to end all access recorded after its acceptance should have found it: removed as they
 * would have removed it. A grant of a later acceptance is left alone.
 */
function removeOvertakenGrant(
  command: Of<'RemoveOvertakenGrant'>,
  state: DapGrantState,
): DapGrantEvent[] {
  const { since, partnerTenantId, customerTenantId } = command;
  const overtaken = since?.relationshipEnded || since?.revocationRequested;
  if (!overtaken || state.status !== 'ACTIVE' || state.lastGrantedBy !== command.invitationId) {
    return [];
  }
  // Not REMOVED_BY_CUSTOMER: that would stop the grant of an acceptance made before it (R8).
  const reason = since?.relationshipEnded ? 'RELATIONSHIP_ENDED' : 'ALL_ACCESS_ENDED';
  return [{ type: 'DelegatedAdminRemoved', data: { partnerTenantId, customerTenantId, reason } }];
}

function revokeOnRelationshipEnd(
  command: Of<'RevokeDelegatedAdminOnRelationshipEnd'>,
  state: DapGrantState,
): DapGrantEvent[] {
  if (state.status !== 'ACTIVE') return [];
  const { partnerTenantId, customerTenantId, relationship } = command;
  // R7, R10: the relationship was established again since the end, and DAP granted in it.
  const grantedSince =
    relationship?.active === true &&
    relationship.establishedByInvitationId !== undefined &&
    state.grantedWithin.has(relationship.establishedByInvitationId);
  if (grantedSince) return [];
  return [
    {
      type: 'DelegatedAdminRemoved',
      data: { partnerTenantId, customerTenantId, reason: 'RELATIONSHIP_ENDED' },
    },
  ];
}

/**
 * Delegated admin privileges of one partner in one customer tenant (R10–R13). Only the grant and
 * its removals are recorded here (service requests once were: an old stream's are skipped), so a
 * partner's traffic never competes with the customer's removal for this stream's revision.
 */
export const dapGrantDecider: Decider<DapGrantCommand, DapGrantEvent, DapGrantState> = {
  initialState: { status: 'NONE', grantedByInvitationIds: new Set(), grantedWithin: new Set() },

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
          grantedWithin: new Set([
            ...state.grantedWithin,
            event.data.relationshipEstablishedBy ?? event.data.invitationId,
          ]),
          lastGrantedBy: event.data.invitationId,
        };
      case 'DelegatedAdminRemoved':
        return { ...state, status: 'REMOVED' };
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
      case 'RemoveOvertakenGrant':
        return removeOvertakenGrant(command, state);
      default:
        return assertNever(command);
    }
  },
};
