import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { streamIds } from '../platform/domain/streams';
import { Policies } from '../platform/policies/policies';
import { AggregateStore } from '../platform/write/aggregate-store';
import type { CommandOutcome } from '../platform/write/command-context';
import { Intent } from '../platform/write/intent';
import type { AcceptResellerInvitationCommand } from './domain/commands';
import { invitationDecider } from './domain/invitation.decider';

export class AcceptResellerInvitation extends Intent<
  AcceptResellerInvitationCommand,
  CommandOutcome & {
    partnerTenantId: string;
    /** The follow-ups ran: the relationship is as they decided (an end recorded meanwhile stands). */
    followedUp: boolean;
  }
> {}

/**
 * The invitation stream's expected revision makes acceptance happen at most once (R6); the pair's
 * streams then make the relationship (R7) and its DAP grant (R10) exist at most once.
 */
@CommandHandler(AcceptResellerInvitation)
export class AcceptResellerInvitationHandler implements ICommandHandler<AcceptResellerInvitation> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly policies: Policies,
  ) {}

  async execute({ context, command }: AcceptResellerInvitation) {
    const invitation = await this.aggregates.decide(
      streamIds.invitation(command.invitationId),
      invitationDecider,
      command,
      context,
    );
    const [accepted] = invitation.events;
    if (accepted?.type !== 'InvitationAccepted')
      throw new Error('An acceptance records InvitationAccepted');
    // The acceptance is recorded: from here nothing may answer as if it were not. Should the
    // relationship or the grant fail to append now, the reactor retries them until they succeed.
    const followUpPosition = await this.policies.runNow(invitation, context).catch(() => undefined);
    return {
      position: Math.max(invitation.position, followUpPosition ?? 0),
      partnerTenantId: accepted.data.partnerTenantId,
      followedUp: followUpPosition !== undefined,
    };
  }
}
