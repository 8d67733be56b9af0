import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { SETTINGS, type Settings } from '../platform/config/settings';
import type { IntendedCustomer } from './domain/events';
import { invitationDecider } from './domain/invitation.decider';
import { streamIds } from '../platform/domain/streams';
import { AggregateStore } from '../platform/write/aggregate-store';
import type { CommandContext, CommandOutcome } from '../platform/write/command-context';

const DAY_MS = 24 * 60 * 60 * 1000;

export class RequestResellerRelationship extends Command<
  CommandOutcome & { invitationId: string }
> {
  constructor(
    readonly context: CommandContext,
    readonly includeDelegatedAdmin: boolean,
    readonly intendedCustomer: IntendedCustomer | null,
  ) {
    super();
  }
}

@CommandHandler(RequestResellerRelationship)
export class RequestResellerRelationshipHandler implements ICommandHandler<RequestResellerRelationship> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  async execute({ context, includeDelegatedAdmin, intendedCustomer }: RequestResellerRelationship) {
    const invitationId = randomUUID();
    const { position } = await this.aggregates.decide(
      streamIds.invitation(invitationId),
      invitationDecider,
      {
        type: 'RequestResellerRelationship',
        actor: context.actor,
        invitationId,
        includeDelegatedAdmin,
        intendedCustomer,
        invitationBaseUrl: this.settings.INVITATION_BASE_URL,
        ttlMs: this.settings.INVITATION_TTL_DAYS * DAY_MS,
      },
      context,
    );
    return { position, invitationId };
  }
}
