import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { streamIds } from '../platform/domain/streams';
import { subscriptionRbacDecider } from './domain/subscription-rbac.decider';
import { AggregateStore } from '../platform/write/aggregate-store';
import type { CommandContext, CommandOutcome } from '../platform/write/command-context';

export class RegisterAzureSubscription extends Command<
  CommandOutcome & { subscriptionId: string }
> {
  constructor(
    readonly context: CommandContext,
    readonly displayName: string,
  ) {
    super();
  }
}

/** R21: a subscription the customer created itself; DAP gives partners no role on it. */
@CommandHandler(RegisterAzureSubscription)
export class RegisterAzureSubscriptionHandler implements ICommandHandler<RegisterAzureSubscription> {
  constructor(private readonly aggregates: AggregateStore) {}

  async execute({ context, displayName }: RegisterAzureSubscription) {
    const subscriptionId = randomUUID();
    const { position } = await this.aggregates.decide(
      streamIds.subscription(subscriptionId),
      subscriptionRbacDecider,
      { type: 'RegisterAzureSubscription', actor: context.actor, subscriptionId, displayName },
      context,
    );
    return { position, subscriptionId };
  }
}
