import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { InvitationEvent } from '../../domain/relationship/events';
import { invitationDecider } from '../../domain/relationship/invitation.decider';
import { relationshipDecider } from '../../domain/relationship/relationship.decider';
import { streamIds } from '../../domain/shared/streams';
import { AggregateStore } from '../aggregate-store';
import type { CommandContext, CommandOutcome } from '../command-context';

export class AcceptResellerInvitation extends Command<
  CommandOutcome & { partnerTenantId: string }
> {
  constructor(
    readonly context: CommandContext,
    readonly invitationId: string,
  ) {
    super();
  }
}

type Accepted = Extract<InvitationEvent, { type: 'InvitationAccepted' }>;

/**
 * The invitation stream's expected revision makes acceptance happen at most once (R6); the pair's
 * relationship stream then makes the relationship exist at most once (R7), whatever the concurrency.
 */
@CommandHandler(AcceptResellerInvitation)
export class AcceptResellerInvitationHandler implements ICommandHandler<AcceptResellerInvitation> {
  constructor(private readonly aggregates: AggregateStore) {}

  async execute({ context, invitationId }: AcceptResellerInvitation) {
    const invitation = await this.aggregates.decide(
      streamIds.invitation(invitationId),
      invitationDecider,
      { type: 'AcceptResellerInvitation', actor: context.actor },
      context,
    );
    const accepted = invitation.events[0] as Accepted;
    const { partnerTenantId, customer } = accepted.data;
    const partnerName = invitation.state.exists ? invitation.state.partnerName : partnerTenantId;
    const relationship = await this.aggregates.decide(
      streamIds.relationship(partnerTenantId, customer.tenantId),
      relationshipDecider,
      { type: 'EstablishRelationship', invitationId, partnerTenantId, partnerName, customer },
      { ...context, causationId: invitation.eventIds[0] },
    );
    return { position: Math.max(invitation.position, relationship.position), partnerTenantId };
  }
}
