import type { DomainEvent } from '../../events';
import { streamIds } from '../../platform/domain/streams';
import type { RelationshipCommand } from './commands';

/** What an event calls for on a pair's relationship stream. */
export type RelationshipFollowUp =
  | {
      kind: 'decide';
      streamId: string;
      command: RelationshipCommand;
      unlessChangedSinceTrigger?: true;
    }
  /** Finish an end of the relationship that fenced the partner's streams and then stopped. */
  | { kind: 'resume-end'; customerTenantId: string; factRevision: number };

/**
 * R7: an accepted invitation establishes the pair's relationship (once: R8), as of its acceptance:
 * a relationship the pair's stream ended after it stays ended (R9). R9: an end that started, or
 * fenced the partner's streams, is finished from there if the process stopped in between.
 */
export function relationshipFollowUps(event: DomainEvent): RelationshipFollowUp[] {
  switch (event.type) {
    case 'InvitationAccepted': {
      const { invitationId, partnerTenantId, partnerName, customer } = event.data;
      return [
        {
          kind: 'decide',
          streamId: streamIds.relationship(partnerTenantId, customer.tenantId),
          unlessChangedSinceTrigger: true,
          command: {
            type: 'EstablishRelationship',
            invitationId,
            partnerTenantId,
            partnerName,
            customer,
          },
        },
      ];
    }
    // Started, then stopped before its fences: finished from its start.
    case 'RelationshipEndStarted':
      return [
        {
          kind: 'resume-end',
          customerTenantId: event.data.customerTenantId,
          factRevision: event.data.factRevision + 1,
        },
      ];
    case 'PartnerAccessRevocationStarted':
      return event.data.revoking === 'RELATIONSHIP'
        ? [
            {
              kind: 'resume-end',
              customerTenantId: event.data.customerTenantId,
              factRevision: event.data.factRevision,
            },
          ]
        : [];
    default:
      return [];
  }
}
