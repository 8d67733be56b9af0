import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { relationshipDecider } from './domain/relationship.decider';
import { streamIds } from '../platform/domain/streams';
import { subscriptionRbacDecider } from '../azure-subscriptions/domain/subscription-rbac.decider';
import { AggregateStore } from '../platform/write/aggregate-store';
import type { CommandContext } from '../platform/write/command-context';
import { Intent } from '../platform/write/intent';
import type { EndResellerRelationshipCommand } from './domain/commands';
import { Policies } from '../platform/policies/policies';
import { Revocations } from '../platform/write/revocations';

export class EndResellerRelationship extends Intent<EndResellerRelationshipCommand> {
  constructor(
    context: CommandContext & { causationId?: string },
    command: EndResellerRelationshipCommand,
    /** Set when the reactor finishes an end a crash interrupted after its fences. */
    readonly resumeAtRevision?: number,
  ) {
    super(context, command);
  }
}

/**
 * R9: only without active subscriptions it provisioned (ordered against provisioning by the
 * relationship stream); ending also removes the partner's DAP. A revocation: every stream where
 * partner actions need the relationship is fenced first (revocations.ts).
 */
@CommandHandler(EndResellerRelationship)
export class EndResellerRelationshipHandler implements ICommandHandler<EndResellerRelationship> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly policies: Policies,
    private readonly revocations: Revocations,
  ) {}

  async execute({ context, command, resumeAtRevision }: EndResellerRelationship) {
    const { partnerTenantId, customerTenantId } = command;
    const relationshipStream = streamIds.relationship(partnerTenantId, customerTenantId);
    const { state } = await this.aggregates.load(relationshipStream, relationshipDecider);
    const activeProvisionedSubscriptionIds = await this.activeSubscriptions(
      state.linkedSubscriptionIds,
    );
    const ended = await this.revocations.revoke({
      streamId: relationshipStream,
      decider: relationshipDecider,
      command: { ...command, activeProvisionedSubscriptionIds },
      revoking: 'RELATIONSHIP',
      pair: { partnerTenantId, customerTenantId },
      context,
      resumeAtRevision,
    });
    if (ended.events.length === 0) return { position: ended.position };
    // The end is recorded; a DAP removal that fails to append now is retried by the reactor.
    const dapPosition = await this.policies.runNow(ended, context).catch(() => ended.position);
    return { position: Math.max(ended.position, dapPosition) };
  }

  /** A linked id whose stream never got written (a crash mid-provisioning) is no subscription. */
  private async activeSubscriptions(subscriptionIds: readonly string[]): Promise<string[]> {
    const states = await Promise.all(
      subscriptionIds.map((id) =>
        this.aggregates.load(streamIds.subscription(id), subscriptionRbacDecider),
      ),
    );
    return subscriptionIds.filter((_, index) => {
      const { state } = states[index];
      return state.exists && !state.cancelled;
    });
  }
}
