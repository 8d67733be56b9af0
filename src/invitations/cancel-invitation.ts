import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { streamIds } from '../platform/domain/streams';
import { AggregateStore } from '../platform/write/aggregate-store';
import { Intent } from '../platform/write/intent';
import type { CancelInvitationCommand } from './domain/commands';
import { invitationDecider } from './domain/invitation.decider';

export class CancelInvitation extends Intent<CancelInvitationCommand> {}

@CommandHandler(CancelInvitation)
export class CancelInvitationHandler implements ICommandHandler<CancelInvitation> {
  constructor(private readonly aggregates: AggregateStore) {}

  async execute({ context, command }: CancelInvitation) {
    const { position } = await this.aggregates.decide(
      streamIds.invitation(command.invitationId),
      invitationDecider,
      command,
      context,
    );
    return { position };
  }
}
