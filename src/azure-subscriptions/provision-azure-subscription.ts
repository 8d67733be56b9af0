import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { relationshipDecider } from '../invitations/domain/relationship.decider';
import { streamIds } from '../platform/domain/streams';
import { subscriptionRbacDecider } from './domain/subscription-rbac.decider';
import { AggregateStore } from '../platform/write/aggregate-store';
import type { CommandContext, CommandOutcome } from '../platform/write/command-context';

export class ProvisionAzureSubscription extends Command<
  CommandOutcome & { subscriptionId: string }
> {
  constructor(
    readonly context: CommandContext,
    readonly customerTenantId: string,
    readonly displayName: string,
  ) {
    super();
  }
}

/**
 * R22 is decided on the pair's relationship stream (so ending the relationship, R9, is ordered
 * against it); the subscription's own stream then starts with the Owner assignment in one append.
 */
@CommandHandler(ProvisionAzureSubscription)
export class ProvisionAzureSubscriptionHandler implements ICommandHandler<ProvisionAzureSubscription> {
  constructor(private readonly aggregates: AggregateStore) {}

  async execute({ context, customerTenantId, displayName }: ProvisionAzureSubscription) {
    const { actor } = context;
    const subscriptionId = randomUUID();
    const provision = {
      type: 'ProvisionAzureSubscription',
      actor,
      subscriptionId,
      ownerAssignmentId: randomUUID(),
      customerTenantId,
      displayName,
    } as const;
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
