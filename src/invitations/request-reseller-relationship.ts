import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { SETTINGS, type Settings } from '../platform/config/settings';
import { streamIds } from '../platform/domain/streams';
import { AggregateStore } from '../platform/write/aggregate-store';
import type { CommandOutcome } from '../platform/write/command-context';
import { Intent } from '../platform/write/intent';
import type { InvitationTerms, RequestResellerRelationshipCommand } from './domain/commands';
import { invitationDecider } from './domain/invitation.decider';

const DAY_MS = 24 * 60 * 60 * 1000;

export class RequestResellerRelationship extends Intent<
  RequestResellerRelationshipCommand,
  CommandOutcome & { invitationId: string }
> {}

@CommandHandler(RequestResellerRelationship)
export class RequestResellerRelationshipHandler implements ICommandHandler<RequestResellerRelationship> {
  private readonly terms: InvitationTerms;

  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(SETTINGS) settings: Settings,
  ) {
    this.terms = {
      invitationBaseUrl: settings.INVITATION_BASE_URL,
      ttlMs: settings.INVITATION_TTL_DAYS * DAY_MS,
    };
  }

  async execute({ context, command }: RequestResellerRelationship) {
    const { position } = await this.aggregates.decide(
      streamIds.invitation(command.invitationId),
      invitationDecider,
      { ...command, ...this.terms },
      context,
    );
    return { position, invitationId: command.invitationId };
  }
}
