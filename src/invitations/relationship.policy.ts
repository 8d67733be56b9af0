import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { DomainEvent } from '../events';
import { streamIds } from '../platform/domain/streams';
import { AsPolicy, type Policy, type PolicyContext } from '../platform/policies/policy';
import { AggregateStore } from '../platform/write/aggregate-store';
import { Revocations } from '../platform/write/revocations';
import { relationshipFollowUps } from './domain/policies';
import { relationshipDecider } from './domain/relationship.decider';
import { EndResellerRelationship } from './end-reseller-relationship';

/** Runs the relationship stream's follow-ups (domain/policies.ts). */
@Injectable()
@AsPolicy()
export class RelationshipPolicy implements Policy {
  readonly reactsTo = ['InvitationAccepted', 'PartnerAccessRevocationStarted'] as const;

  constructor(
    private readonly aggregates: AggregateStore,
    private readonly commandBus: CommandBus,
    private readonly revocations: Revocations,
  ) {}

  async react(event: DomainEvent, context: PolicyContext): Promise<number> {
    let position = 0;
    for (const followUp of relationshipFollowUps(event)) {
      if (followUp.kind === 'decide') {
        const decided = await this.aggregates.decide(
          followUp.streamId,
          relationshipDecider,
          followUp.command,
          context,
          { unlessChangedAfter: context.replayedAt },
        );
        position = Math.max(position, decided.position);
        continue;
      }
      const { customerTenantId, factRevision } = followUp;
      const factStream = streamIds.relationship(context.actor.tenantId, customerTenantId);
      if (await this.revocations.ranHere(factStream, factRevision)) continue;
      const { position: ended } = await this.commandBus.execute(
        new EndResellerRelationship(
          context,
          {
            type: 'EndResellerRelationship',
            actor: context.actor,
            partnerTenantId: context.actor.tenantId,
            customerTenantId,
          },
          factRevision,
        ),
      );
      position = Math.max(position, ended);
    }
    return position;
  }
}
