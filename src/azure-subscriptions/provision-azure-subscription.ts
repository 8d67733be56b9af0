import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { relationshipDecider } from '../invitations/domain/relationship.decider';
import { streamIds } from '../platform/domain/streams';
import { subscriptionRbacDecider } from './domain/subscription-rbac.decider';
import { AggregateStore } from '../platform/write/aggregate-store';
import type { CommandOutcome } from '../platform/write/command-context';
import { Intent } from '../platform/write/intent';
import type { ProvisionAzureSubscriptionCommand } from './domain/commands';

export class ProvisionAzureSubscription extends Intent<
  ProvisionAzureSubscriptionCommand,
  CommandOutcome & { subscriptionId: string }
> {}

/**
 * R22 is decided on the pair's relationship stream (so ending the relationship, R9, is ordered
 * against it); the subscription's own stream then starts with the Owner assignment in one append.
 */
@CommandHandler(ProvisionAzureSubscription)
export class ProvisionAzureSubscriptionHandler implements ICommandHandler<ProvisionAzureSubscription> {
  constructor(private readonly aggregates: AggregateStore) {}

  async execute({ context, command: provision }: ProvisionAzureSubscription) {
    const { actor, customerTenantId, subscriptionId } = provision;
    // Validate the subscription's own input before anything is appended.
    subscriptionRbacDecider.decide(provision, subscriptionRbacDecider.initialState, new Date(0));
    const link = await this.aggregates.decide(
      streamIds.relationship(actor.tenantId, customerTenantId),
      relationshipDecider,
      {
        type: 'LinkAzureSubscription',
        actor,
        partnerTenantId: actor.tenantId,
        customerTenantId,
        subscriptionId,
      },
      context,
    );
    const created = await this.aggregates.decide(
      streamIds.subscription(subscriptionId),
      subscriptionRbacDecider,
      provision,
      {
        ...context,
        causationId: link.eventIds[0],
      },
    );
    return { position: created.position, subscriptionId };
  }
}
