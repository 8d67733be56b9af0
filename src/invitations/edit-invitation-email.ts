import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { invitationDecider } from './domain/invitation.decider';
import { streamIds } from '../platform/domain/streams';
import { AggregateStore } from '../platform/write/aggregate-store';
import type { CommandContext, CommandOutcome } from '../platform/write/command-context';

export class EditInvitationEmail extends Command<CommandOutcome> {
  constructor(
    readonly context: CommandContext,
    readonly invitationId: string,
    readonly subject: string,
    readonly body: string,
  ) {
    super();
  }
}

@CommandHandler(EditInvitationEmail)
export class EditInvitationEmailHandler implements ICommandHandler<EditInvitationEmail> {
  constructor(private readonly aggregates: AggregateStore) {}

  async execute({ context, invitationId, subject, body }: EditInvitationEmail) {
    const { position } = await this.aggregates.decide(
      streamIds.invitation(invitationId),
      invitationDecider,
      { type: 'EditInvitationEmail', actor: context.actor, subject, body },
      context,
    );
    return { position };
  }
}
