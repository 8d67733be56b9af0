import { Injectable } from '@nestjs/common';
import { dapGrantDecider } from '../../domain/dap-grant/dap-grant.decider';
import type { InvitationEvent } from '../../domain/relationship/events';
import { relationshipDecider } from '../../domain/relationship/relationship.decider';
import { streamIds } from '../../domain/shared/streams';
import { AggregateStore } from '../aggregate-store';
import type { CommandContext } from '../command-context';

export type InvitationAccepted = Extract<InvitationEvent, { type: 'InvitationAccepted' }>['data'];

/**
 * What an accepted invitation causes: the pair's relationship (R7) and, with DAP included, its
 * grant (R8, R10). Each step is idempotent per invitation, so it can safely run again.
 */
@Injectable()
export class AcceptanceFollowUp {
  constructor(private readonly aggregates: AggregateStore) {}

  async complete(
    accepted: InvitationAccepted,
    context: CommandContext & { causationId: string },
  ): Promise<number> {
    const { invitationId, partnerTenantId, partnerName, customer } = accepted;
    const relationship = await this.aggregates.decide(
      streamIds.relationship(partnerTenantId, customer.tenantId),
      relationshipDecider,
      { type: 'EstablishRelationship', invitationId, partnerTenantId, partnerName, customer },
      context,
    );
    if (!accepted.includeDelegatedAdmin) return relationship.position;
    const dap = await this.aggregates.decide(
      streamIds.dapGrant(partnerTenantId, customer.tenantId),
      dapGrantDecider,
      { type: 'GrantDelegatedAdmin', invitationId, partnerTenantId, partnerName, customer },
      context,
    );
    return Math.max(relationship.position, dap.position);
  }
}
