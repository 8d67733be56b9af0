import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { DomainEvent } from '../events';
import { streamIds } from '../platform/domain/streams';
import { AsPolicy, type Policy, type PolicyContext } from '../platform/policies/policy';
import { AggregateStore } from '../platform/write/aggregate-store';
import { Revocations } from '../platform/write/revocations';
import { dapGrantDecider } from './domain/dap-grant/dap-grant.decider';
import { dapGrantFollowUps } from './domain/policies';
import { RemoveDelegatedAdminPrivileges } from './remove-delegated-admin-privileges';

/** Runs the DapGrant stream's follow-ups (domain/policies.ts). */
@Injectable()
@AsPolicy()
export class DapGrantPolicy implements Policy {
  readonly reactsTo = [
    'InvitationAccepted',
    'RelationshipEnded',
    'PartnerAccessRevocationStarted',
  ] as const;

  constructor(
    private readonly aggregates: AggregateStore,
    private readonly commandBus: CommandBus,
    private readonly revocations: Revocations,
  ) {}

  async react(event: DomainEvent, context: PolicyContext): Promise<number> {
    let position = 0;
    for (const followUp of dapGrantFollowUps(event)) {
      if (followUp.kind === 'decide') {
        const decided = await this.aggregates.decide(
          followUp.streamId,
          dapGrantDecider,
          followUp.command,
          context,
          { unlessChangedAfter: context.replayedAt },
        );
        position = Math.max(position, decided.position);
        continue;
      }
      const { partnerTenantId, factRevision } = followUp;
      const factStream = streamIds.dapGrant(partnerTenantId, context.actor.tenantId);
      if (await this.revocations.ranHere(factStream, factRevision)) continue;
      const { position: removed } = await this.commandBus.execute(
        new RemoveDelegatedAdminPrivileges(
          context,
          {
            type: 'RemoveDelegatedAdminPrivileges',
            actor: context.actor,
            partnerTenantId,
            customerTenantId: context.actor.tenantId,
            confirm: true,
          },
          factRevision,
        ),
      );
      position = Math.max(position, removed);
    }
    return position;
  }
}
