import { Injectable } from '@nestjs/common';
import type { DomainEvent } from '../events';
import { streamIds } from '../platform/domain/streams';
import { FollowUps } from '../platform/policies/follow-ups';
import { AsPolicy, type Policy, type PolicyContext } from '../platform/policies/policy';
import { relationshipFollowUps } from './domain/policies';
import { relationshipDecider } from './domain/relationship.decider';
import { EndResellerRelationship } from './end-reseller-relationship';

/** Runs the relationship stream's follow-ups (domain/policies.ts). */
@Injectable()
@AsPolicy()
export class RelationshipPolicy implements Policy {
  readonly reactsTo = [
    'InvitationAccepted',
    'RelationshipEndStarted',
    'PartnerAccessRevocationStarted',
  ] as const;

  constructor(private readonly followUps: FollowUps) {}

  react(event: DomainEvent, context: PolicyContext): Promise<number> {
    const partnerTenantId = context.actor.tenantId;
    return this.followUps.run(
      relationshipFollowUps(event),
      context,
      relationshipDecider,
      ({ customerTenantId, factRevision }) => ({
        factStream: streamIds.relationship(partnerTenantId, customerTenantId),
        factRevision,
        command: new EndResellerRelationship(
          context,
          {
            type: 'EndResellerRelationship',
            actor: context.actor,
            partnerTenantId,
            customerTenantId,
          },
          factRevision,
        ),
      }),
    );
  }
}
