import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { streamIds } from '../platform/domain/streams';
import { AggregateStore } from '../platform/write/aggregate-store';
import type { CommandOutcome } from '../platform/write/command-context';
import { Intent } from '../platform/write/intent';
import type { RegisterAzureSubscriptionCommand } from './domain/commands';
import { subscriptionRbacDecider } from './domain/subscription-rbac.decider';

export class RegisterAzureSubscription extends Intent<
  RegisterAzureSubscriptionCommand,
  CommandOutcome & { subscriptionId: string }
> {}

/** R21: a subscription the customer created itself; DAP gives partners no role on it. */
@CommandHandler(RegisterAzureSubscription)
export class RegisterAzureSubscriptionHandler implements ICommandHandler<RegisterAzureSubscription> {
  constructor(private readonly aggregates: AggregateStore) {}

  async execute({ context, command }: RegisterAzureSubscription) {
    const { position } = await this.aggregates.decide(
      streamIds.subscription(command.subscriptionId),
      subscriptionRbacDecider,
      command,
      context,
    );
    return { position, subscriptionId: command.subscriptionId };
  }
}
