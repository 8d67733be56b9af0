import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { invitationDecider } from './domain/invitation.decider';
import { streamIds } from '../platform/domain/streams';
import { AggregateStore } from '../platform/write/aggregate-store';
import type { CommandContext, CommandOutcome } from '../platform/write/command-context';

export class CancelInvitation extends Command<CommandOutcome> {
  constructor(
    readonly context: CommandContext,
    readonly invitationId: string,
  ) {
    super();
  }
}

@CommandHandler(CancelInvitation)
export class CancelInvitationHandler implements ICommandHandler<CancelInvitation> {
  constructor(private readonly aggregates: AggregateStore) {}

  async execute({ context, invitationId }: CancelInvitation) {
    const { position } = await this.aggregates.decide(
      streamIds.invitation(invitationId),
      invitationDecider,
      { type: 'CancelInvitation', actor: context.actor },
      context,
    );
    return { position };
  }
}
