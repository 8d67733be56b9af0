import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { streamIds } from '../platform/domain/streams';
import { AggregateStore } from '../platform/write/aggregate-store';
import { Intent } from '../platform/write/intent';
import type { SubscriptionAccessChangeCommand } from './domain/commands';
import { subscriptionRbacDecider } from './domain/subscription-rbac.decider';

/** R24: role assignments are added and removed, and the subscription cancelled, on its own stream. */
export class ChangeSubscriptionAccess extends Intent<SubscriptionAccessChangeCommand> {}

@CommandHandler(ChangeSubscriptionAccess)
export class ChangeSubscriptionAccessHandler implements ICommandHandler<ChangeSubscriptionAccess> {
  constructor(private readonly aggregates: AggregateStore) {}

  async execute({ context, command }: ChangeSubscriptionAccess) {
    const { position } = await this.aggregates.decide(
      streamIds.subscription(command.subscriptionId),
      subscriptionRbacDecider,
      command,
      context,
    );
    return { position };
  }
}
