import { partnerRolesOf } from '../../delegated-admin/domain/partner-capabilities';
import { mayProvisionSubscription } from '../../azure-subscriptions/domain/subscription-access';
import { isPartnerUser } from '../../platform/domain/actor';
import { assertNever, type Decider, unhandled } from '../../platform/domain/decider';
import { forbidden, notFound, preconditionFailed } from '../../platform/domain/domain-error';
import type { RelationshipCommand } from './commands';
import type { RelationshipEvent } from './events';

export interface RelationshipState {
  active: boolean;
  acceptedInvitationIds: ReadonlySet<string>;
  /** The invitation whose acceptance established the relationship last (R7). */
  establishedByInvitationId?: string;
  /** Subscriptions this partner provisioned for the customer (R9 asks which are still active). */
  linkedSubscriptionIds: readonly string[];
  /** An end has started (`RelationshipEndStarted`): it will be recorded, and nothing is linked. */
  ending: boolean;
}

type Of<T extends RelationshipCommand['type']> = Extract<RelationshipCommand, { type: T }>;

function establish(
  command: Of<'EstablishRelationship'>,
  state: RelationshipState,
): RelationshipEvent[] {
  // R8: an accepted invitation from a partner the customer already has changes nothing here.
  if (state.active || state.acceptedInvitationIds.has(command.invitationId)) return [];
  return [
    {
      type: 'RelationshipEstablished',
      data: {
        partnerTenantId: command.partnerTenantId,
        customerTenantId: command.customer.tenantId,
        partnerName: command.partnerName,
        customer: command.customer,
        invitationId: command.invitationId,
      },
    },
  ];
}

function link(command: Of<'LinkAzureSubscription'>, state: RelationshipState): RelationshipEvent[] {
  const { actor } = command;
  if (actor.tenantKind !== 'partner' || actor.tenantId !== command.partnerTenantId) {
    throw forbidden(
      'R22',
      'Only a partner’s own Admin or Sales Agents provision subscriptions for it.',
    );
  }
  const roles = partnerRolesOf(actor.roles);
  const byRole = mayProvisionSubscription(roles, true);
  if (!byRole.allowed) throw forbidden('R22', byRole.reason);
  if (state.ending) {
    throw preconditionFailed(
      'R22',
      'The reseller relationship with this customer is ending; no subscription can be provisioned under it.',
    );
  }
  const verdict = mayProvisionSubscription(roles, state.active);
  if (!verdict.allowed) throw preconditionFailed('R22', verdict.reason);
  const { partnerTenantId, customerTenantId, subscriptionId } = command;
  return [
    {
      type: 'AzureSubscriptionLinked',
      data: { partnerTenantId, customerTenantId, subscriptionId },
    },
  ];
}

/**
 * R9 in two steps, so that an end refused (R50) has recorded nothing: the first, decided on the
 * links and their subscriptions as read at `atRevision`, starts the end, after which nothing is
 * linked and nothing can refuse it; the second, once the partner's streams are fenced, ends it.
 */
function end(
  command: Of<'EndResellerRelationship'>,
  state: RelationshipState,
): RelationshipEvent[] {
  const { actor, partnerTenantId, customerTenantId } = command;
  if (!isPartnerUser(actor, 'AdminAgent') || actor.tenantId !== partnerTenantId) {
    throw forbidden('R9', 'Only a partner Admin Agent may end a reseller relationship.');
  }
  if (state.ending) {
    return [{ type: 'RelationshipEnded', data: { partnerTenantId, customerTenantId } }];
  }
  if (!state.active && state.establishedByInvitationId) {
    throw preconditionFailed(
      'R9',
      'This reseller relationship has already ended; re-establishing it needs a new invitation.',
    );
  }
  if (!state.active) throw notFound('No active reseller relationship with this customer.');
  if (command.activeProvisionedSubscriptionIds.length > 0) {
    throw preconditionFailed(
      'R9',
      `The customer still has active Azure subscriptions you provisioned (${command.activeProvisionedSubscriptionIds.join(', ')}); cancel them before ending the relationship.`,
    );
  }
  return [
    {
      type: 'RelationshipEndStarted',
      data: { partnerTenantId, customerTenantId, factRevision: command.atRevision },
    },
  ];
}

/** The reseller relationship of one (partner, customer) pair: one stream, so at most one (R7). */
export const relationshipDecider: Decider<
  RelationshipCommand,
  RelationshipEvent,
  RelationshipState
> = {
  initialState: {
    active: false,
    acceptedInvitationIds: new Set(),
    linkedSubscriptionIds: [],
    ending: false,
  },

  evolve(state, event) {
    switch (event.type) {
      case 'RelationshipEstablished':
        return {
          ...state,
          active: true,
          acceptedInvitationIds: new Set([...state.acceptedInvitationIds, event.data.invitationId]),
          establishedByInvitationId: event.data.invitationId,
        };
      case 'AzureSubscriptionLinked':
        return {
          ...state,
          linkedSubscriptionIds: [...state.linkedSubscriptionIds, event.data.subscriptionId],
        };
      case 'RelationshipEndStarted':
        return { ...state, ending: true };
      case 'RelationshipEnded':
        return { ...state, active: false, ending: false };
      default:
        return unhandled(state, event);
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'EstablishRelationship':
        return establish(command, state);
      case 'LinkAzureSubscription':
        return link(command, state);
      case 'EndResellerRelationship':
        return end(command, state);
      default:
        return assertNever(command);
    }
  },
};
