import type { DomainEvent } from '../../events';
import { streamIds } from '../../platform/domain/streams';
import type { DapGrantCommand } from './dap-grant/commands';
import { type DapRemovalReason, dapRemovalReasonOf, isDapRemovalReason } from './dap-grant/events';

/** What an event calls for on a pair's DapGrant stream. */
export type DapGrantFollowUp =
  | {
      kind: 'decide';
      streamId: string;
      command: DapGrantCommand;
      /** The command takes DAP away: decided as a revocation, fencing the partner's streams. */
      revokes?: {
        fact: 'DELEGATED_ADMIN';
        partnerTenantId: string;
        customerTenantId: string;
        reasonOf?: typeof dapRemovalReasonOf;
        /** The end it follows fenced the partner's streams already: it only claims the fact. */
        alreadyFenced?: true;
      };
    }
  /** Finish a DAP removal that fenced the partner's streams and then stopped, as it would have. */
  | {
      kind: 'resume-removal';
      partnerTenantId: string;
      factRevision: number;
      reason: DapRemovalReason;
    };

/**
 * R10, R8: an accepted invitation with DAP grants (or renegotiates) it, then checks the grant was
 * not overtaken by an end or a request to end all access (R9, R70). R9: an ended relationship
 * takes DAP with it. R12: a removal that fenced the partner's streams is finished from its fence,
 * for the reason the fence names.
 */
export function dapGrantFollowUps(event: DomainEvent): DapGrantFollowUp[] {
  switch (event.type) {
    case 'InvitationAccepted': {
      const { invitationId, partnerTenantId, partnerName, customer } = event.data;
      if (!event.data.includeDelegatedAdmin) return [];
      const streamId = streamIds.dapGrant(partnerTenantId, customer.tenantId);
      return [
        {
          kind: 'decide',
          streamId,
          command: {
            type: 'GrantDelegatedAdmin',
            invitationId,
            partnerTenantId,
            partnerName,
            customer,
          },
        },
        {
          kind: 'decide',
          streamId,
          command: {
            type: 'RemoveOvertakenGrant',
            invitationId,
            partnerTenantId,
            customerTenantId: customer.tenantId,
          },
          // Fenced as every removal of DAP: a partner action decided on it is refused after.
          revokes: {
            fact: 'DELEGATED_ADMIN',
            partnerTenantId,
            customerTenantId: customer.tenantId,
            reasonOf: dapRemovalReasonOf,
          },
        },
      ];
    }
    case 'RelationshipEnded': {
      const { partnerTenantId, customerTenantId } = event.data;
      return [
        {
          kind: 'decide',
          streamId: streamIds.dapGrant(partnerTenantId, customerTenantId),
          command: {
            type: 'RevokeDelegatedAdminOnRelationshipEnd',
            partnerTenantId,
            customerTenantId,
          },
          // Claimed as every removal of DAP, so a customer's own removal at once waits for it.
          revokes: {
            fact: 'DELEGATED_ADMIN',
            partnerTenantId,
            customerTenantId,
            alreadyFenced: true,
          },
        },
      ];
    }
    case 'PartnerAccessRevocationStarted':
      return event.data.revoking === 'DELEGATED_ADMIN'
        ? [
            {
              kind: 'resume-removal',
              partnerTenantId: event.data.partnerTenantId,
              factRevision: event.data.factRevision,
              // A fence written before fences named their reason: the customer's own removal.
              reason: isDapRemovalReason(event.data.reason)
                ? event.data.reason
                : 'REMOVED_BY_CUSTOMER',
            },
          ]
        : [];
    default:
      return [];
  }
}
