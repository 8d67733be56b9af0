import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import type { AzureRole, Principal } from './domain/azure-roles';
import type { SubscriptionRbacCommand } from './domain/commands';
import { subscriptionRbacDecider } from './domain/subscription-rbac.decider';
import { streamIds } from '../platform/domain/streams';
import { AggregateStore } from '../platform/write/aggregate-store';
import type { CommandContext, CommandOutcome } from '../platform/write/command-context';

/** Distributes Omit over the union, so each command keeps its own fields. */
type WithoutActor<T> = T extends unknown ? Omit<T, 'actor'> : never;
type SubscriptionChange = WithoutActor<
  Extract<
    SubscriptionRbacCommand,
    {
      type:
        'AssignSubscriptionRole' | 'RemoveSubscriptionRoleAssignment' | 'CancelAzureSubscription';
    }
  >
>;

/** R24: role assignments are added and removed, and the subscription cancelled, on its own stream. */
export class ChangeSubscriptionAccess extends Command<CommandOutcome> {
  constructor(
    readonly context: CommandContext,
    readonly subscriptionId: string,
    readonly change: SubscriptionChange,
  ) {
    super();
  }

  static assign(
    context: CommandContext,
    subscriptionId: string,
    principal: Principal,
    role: AzureRole,
  ) {
    return new ChangeSubscriptionAccess(context, subscriptionId, {
      type: 'AssignSubscriptionRole',
      assignmentId: randomUUID(),
      principal,
      role,
    });
  }

  static remove(context: CommandContext, subscriptionId: string, assignmentId: string) {
    return new ChangeSubscriptionAccess(context, subscriptionId, {
      type: 'RemoveSubscriptionRoleAssignment',
      assignmentId,
    });
  }

  static cancel(context: CommandContext, subscriptionId: string) {
    return new ChangeSubscriptionAccess(context, subscriptionId, {
      type: 'CancelAzureSubscription',
    });
  }
}

@CommandHandler(ChangeSubscriptionAccess)
export class ChangeSubscriptionAccessHandler implements ICommandHandler<ChangeSubscriptionAccess> {
  constructor(private readonly aggregates: AggregateStore) {}

  async execute({ context, subscriptionId, change }: ChangeSubscriptionAccess) {
    const { position } = await this.aggregates.decide(
      streamIds.subscription(subscriptionId),
      subscriptionRbacDecider,
      { ...change, actor: context.actor },
      context,
    );
    return { position };
  }
}
