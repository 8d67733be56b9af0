import { Inject, Injectable } from '@nestjs/common';
import type { DomainEvent } from '../events';
import { streamIds } from '../platform/domain/streams';
import { EVENT_STORE, type EventStore } from '../platform/event-store/event-store';
import { FollowUps } from '../platform/policies/follow-ups';
import { AggregateStore } from '../platform/write/aggregate-store';
import type { DapGrantCommand } from './domain/dap-grant/commands';
import { pairChangesSince, pairRelationship } from './pair-facts';
import { AsPolicy, type Policy, type PolicyContext } from '../platform/policies/policy';
import { dapGrantDecider } from './domain/dap-grant/dap-grant.decider';
import { dapGrantFollowUps } from './domain/policies';
import { RemoveDelegatedAdminPrivileges } from './remove-delegated-admin-privileges';

/**
 * Runs the DapGrant stream's follow-ups (domain/policies.ts). A grant and an end's removal both
 * read the relationship on each attempt: a grant records the acceptance that established the
 * relationship it was decided in (it runs after the RelationshipPolicy: module order), and a
 * removal spares DAP granted in a relationship established since the end. A grant appended between
 * a removal's read and its append makes that append conflict, and the retry reads again (R7–R10).
 * A grant also reads what the pair recorded after its acceptance, and grants nothing over an end, a
 * customer's removal or a request to end all access recorded since (R9, R12, R70). A removal on
 * this stream after that read makes the grant's append conflict; an end or a request after it,
 * whose own step found no DAP yet to remove, is caught by the acceptance's next follow-up, which
 * removes the grant again (RemoveOvertakenGrant), fenced as every removal of DAP.
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
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  react(event: DomainEvent, context: PolicyContext): Promise<number> {
    const customerTenantId = context.actor.tenantId;
    return this.followUps.run(
      dapGrantFollowUps(event),
      context,
      dapGrantDecider,
      ({ partnerTenantId, factRevision, reason }) => ({
        factStream: streamIds.dapGrant(partnerTenantId, customerTenantId),
        factRevision,
        command: RemoveDelegatedAdminPrivileges.confirmedBy(
          context,
          { partnerTenantId, customerTenantId },
          { resume: { atRevision: factRevision, reason } },
        ),
      }),
      (command) => this.withFacts(command, context.triggeredAt),
    );
  }

  private async withFacts(command: DapGrantCommand, triggeredAt: number): Promise<DapGrantCommand> {
    if (command.type === 'RemoveDelegatedAdminPrivileges') return command;
    const partnerTenantId = command.partnerTenantId;
    if (command.type === 'RevokeDelegatedAdminOnRelationshipEnd') {
      const { customerTenantId } = command;
      const relationship = await pairRelationship(
        this.aggregates,
        partnerTenantId,
        customerTenantId,
      );
      return { ...command, relationship };
    }
    if (command.type === 'RemoveOvertakenGrant') {
      const { customerTenantId } = command;
      const since = await pairChangesSince(
        this.store,
        partnerTenantId,
        customerTenantId,
        triggeredAt,
      );
      return { ...command, since };
    }
    const customerTenantId = command.customer.tenantId;
    const [relationship, since] = await Promise.all([
      pairRelationship(this.aggregates, partnerTenantId, customerTenantId),
      pairChangesSince(this.store, partnerTenantId, customerTenantId, triggeredAt),
    ]);
    return { ...command, relationship, since };
  }
}
