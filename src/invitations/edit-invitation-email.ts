import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { streamIds } from '../platform/domain/streams';
import { AggregateStore } from '../platform/write/aggregate-store';
import { Intent } from '../platform/write/intent';
import type { EditInvitationEmailCommand } from './domain/commands';
import { invitationDecider } from './domain/invitation.decider';

export class EditInvitationEmail extends Intent<EditInvitationEmailCommand> {}

@CommandHandler(EditInvitationEmail)
export class EditInvitationEmailHandler implements ICommandHandler<EditInvitationEmail> {
  constructor(private readonly aggregates: AggregateStore) {}

  async execute({ context, command }: EditInvitationEmail) {
    const { position } = await this.aggregates.decide(
      streamIds.invitation(command.invitationId),
      invitationDecider,
      command,
      context,
    );
    return { position };
  }
}
