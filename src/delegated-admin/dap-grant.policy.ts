import { Injectable } from '@nestjs/common';
import type { DomainEvent } from '../events';
import { streamIds } from '../platform/domain/streams';
import { FollowUps } from '../platform/policies/follow-ups';
import { AggregateStore } from '../platform/write/aggregate-store';
import type { DapGrantCommand } from './domain/dap-grant/commands';
import { pairRelationship } from './pair-facts';
import { AsPolicy, type Policy, type PolicyContext } from '../platform/policies/policy';
import { dapGrantDecider } from './domain/dap-grant/dap-grant.decider';
import { dapGrantFollowUps } from './domain/policies';
import { RemoveDelegatedAdminPrivileges } from './remove-delegated-admin-privileges';

/**
 * Runs the DapGrant stream's follow-ups (domain/policies.ts). The removal for an ended
 * relationship reads the relationship on each attempt: an acceptance that re-established it
 * meanwhile runs after the RelationshipPolicy (module order) and records its DAP grant here, so
 * the removal's append conflicts and its retry sees the re-established relationship (R7, R9, R10).
 */
@Injectable()
@AsPolicy()
export class DapGrantPolicy implements Policy {
  readonly reactsTo = [
    'InvitationAccepted',
    'RelationshipEnded',
    'PartnerAccessRevocationStarted',
  ] as const;

  constructor(
    private readonly followUps: FollowUps,
    private readonly aggregates: AggregateStore,
  ) {}

  react(event: DomainEvent, context: PolicyContext): Promise<number> {
    const customerTenantId = context.actor.tenantId;
    return this.followUps.run(
      dapGrantFollowUps(event),
      context,
      dapGrantDecider,
      ({ partnerTenantId, factRevision }) => ({
        factStream: streamIds.dapGrant(partnerTenantId, customerTenantId),
        factRevision,
        command: new RemoveDelegatedAdminPrivileges(
          context,
          {
            type: 'RemoveDelegatedAdminPrivileges',
            actor: context.actor,
            partnerTenantId,
            customerTenantId,
            confirm: true,
          },
          factRevision,
        ),
      }),
      (command) => this.withRelationship(command),
    );
  }

  private async withRelationship(command: DapGrantCommand): Promise<DapGrantCommand> {
    if (command.type !== 'RevokeDelegatedAdminOnRelationshipEnd') return command;
    const { partnerTenantId, customerTenantId } = command;
    const relationship = await pairRelationship(this.aggregates, partnerTenantId, customerTenantId);
    return { ...command, relationship };
  }
}
