import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { PartnerSubscriptionsQueries } from '../../projections/azure-subscriptions/partner-subscriptions.queries';
import { ChangeSubscriptionAccess } from '../azure-subscriptions/change-subscription-access';
import { dapGrantDecider } from '../delegated-admin/domain/dap-grant/dap-grant.decider';
import { RemoveDelegatedAdminPrivileges } from '../delegated-admin/remove-delegated-admin-privileges';
import type { DomainEvent } from '../events';
import { DomainError } from '../platform/domain/domain-error';
import { EVENT_STORE, type EventStore } from '../platform/event-store/event-store';
import { streamIds } from '../platform/domain/streams';
import { AsPolicy, type Policy, type PolicyContext } from '../platform/policies/policy';
import { ReadSide } from '../platform/read-store/read-side';
import { AggregateStore } from '../platform/write/aggregate-store';
import { Revocations } from '../platform/write/revocations';
import { gdapDecider } from './domain/gdap.decider';
import { gdapStreamId } from './domain/gdap-ids';
import { GdapScheduler } from './gdap-scheduler';

/** A step that found its grant already gone (a concurrent removal) has nothing left to do. */
const alreadyGone = (error: unknown): number => {
  if (error instanceof DomainError && ['PRECONDITION_FAILED', 'NOT_FOUND'].includes(error.code))
    return 0;
  throw error;
};

/**
 * R70: ends every grant a partner holds in the customer's tenant once the customer asked
 * (`PartnerAccessRevocationRequested`): run at once by the request, and by the PolicyReactor again
 * after a crash midway, so what was left is finished, with the request's correlation id. Each step
 * is idempotent: GDAP and DAP are revocations (fenced first, revocations.ts) that find nothing left
 * to end once ended; the Azure role assignments of the partner's groups are removed one by one.
 * Replayed, it leaves alone what changed since the request (a grant the customer gave again):
 * GDAP relationships approved after it, and a DAP or subscription stream someone else wrote after it.
 */
@Injectable()
@AsPolicy()
export class RevokePartnerAccessPolicy implements Policy {
  readonly reactsTo = ['PartnerAccessRevocationRequested'] as const;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly aggregates: AggregateStore,
    private readonly revocations: Revocations,
    private readonly commandBus: CommandBus,
    private readonly subscriptions: PartnerSubscriptionsQueries,
    private readonly readSide: ReadSide,
    private readonly scheduler: GdapScheduler,
  ) {}

  async react(event: DomainEvent, context: PolicyContext): Promise<number> {
    if (event.type !== 'PartnerAccessRevocationRequested') return 0;
    const { partnerTenantId, customerTenantId, requestedAt } = event.data;
    const pair = { partnerTenantId, customerTenantId };
    const gdap = await this.revocations.revoke({
      streamId: gdapStreamId(partnerTenantId),
      decider: gdapDecider,
      command: {
        type: 'TerminateAllForCustomer',
        actor: context.actor,
        customerTenantId,
        requestedAt,
      },
      revoking: 'GDAP',
      pair,
      context,
    });
    // Terminations are finished by the scheduler (R64).
    if (gdap.events.length > 0) this.scheduler.consider(partnerTenantId);
    const positions = [gdap.events.length > 0 ? gdap.position : 0];
    positions.push(await this.removeDap(pair, context));
    positions.push(...(await this.removeSubscriptionRoles(pair, context)));
    return Math.max(...positions);
  }

  private async removeDap(
    { partnerTenantId, customerTenantId }: { partnerTenantId: string; customerTenantId: string },
    context: PolicyContext,
  ): Promise<number> {
    const dap = await this.aggregates.load(
      streamIds.dapGrant(partnerTenantId, customerTenantId),
      dapGrantDecider,
    );
    const streamId = streamIds.dapGrant(partnerTenantId, customerTenantId);
    if (dap.state.status !== 'ACTIVE' || (await this.changedByOthers(streamId, context))) return 0;
    return this.commandBus
      .execute(
        new RemoveDelegatedAdminPrivileges(context, {
          type: 'RemoveDelegatedAdminPrivileges',
          actor: context.actor,
          partnerTenantId,
          customerTenantId,
          confirm: true,
        }),
      )
      .then(({ position }) => position, alreadyGone);
  }

  private async removeSubscriptionRoles(
    { partnerTenantId, customerTenantId }: { partnerTenantId: string; customerTenantId: string },
    context: PolicyContext,
  ): Promise<number[]> {
    await this.readSide.ready('partner-subscriptions');
    const positions: number[] = [];
    for (const subscription of this.subscriptions.allOf(partnerTenantId, customerTenantId)) {
      const { subscriptionId } = subscription;
      const partnerAssignments = subscription.assignments.filter(
        ({ principal }) =>
          principal.kind === 'PARTNER_GROUP' && principal.partnerTenantId === partnerTenantId,
      );
      if (partnerAssignments.length === 0) continue;
      if (await this.changedByOthers(streamIds.subscription(subscriptionId), context)) continue;
      for (const { assignmentId } of partnerAssignments) {
        positions.push(
          await this.commandBus
            .execute(
              new ChangeSubscriptionAccess(context, {
                type: 'RemoveSubscriptionRoleAssignment',
                actor: context.actor,
                subscriptionId,
                assignmentId,
              }),
            )
            .then(({ position }) => position, alreadyGone),
        );
      }
    }
    return positions;
  }

  /**
   * Replayed after the request: whether another request wrote `streamId` since (the customer
   * granted again), so this step must leave it alone. Its own earlier removals do not count.
   */
  private async changedByOthers(streamId: string, context: PolicyContext): Promise<boolean> {
    const { replayedAt } = context;
    if (replayedAt === undefined) return false;
    const events = await this.store.readStream(streamId);
    return events.some(
      (event) =>
        event.position > replayedAt && event.metadata.correlationId !== context.correlationId,
    );
  }
}
