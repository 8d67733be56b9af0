import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { PartnerSubscriptionsQueries } from '../../projections/azure-subscriptions/partner-subscriptions.queries';
import type { SubscriptionRbacCommand } from '../azure-subscriptions/domain/commands';
import { subscriptionRbacDecider } from '../azure-subscriptions/domain/subscription-rbac.decider';
import { dapGrantDecider } from '../delegated-admin/domain/dap-grant/dap-grant.decider';
import { RemoveDelegatedAdminPrivileges } from '../delegated-admin/remove-delegated-admin-privileges';
import type { DomainEvent } from '../events';
import { CLOCK, type Clock } from '../platform/config/clock';
import { DomainError } from '../platform/domain/domain-error';
import { EVENT_STORE, type EventStore } from '../platform/event-store/event-store';
import { recordedAfter } from '../platform/event-store/recorded-after';
import { domainEventOf } from '../platform/event-store/unreadable-events';
import { streamIds } from '../platform/domain/streams';
import { AsPolicy, type Policy, type PolicyContext } from '../platform/policies/policy';
import { ReadSide } from '../platform/read-store/read-side';
import { AggregateStore } from '../platform/write/aggregate-store';
import { Revocations } from '../platform/write/revocations';
import { gdapDecider } from './domain/gdap.decider';
import { endingOnRevoke } from './domain/relationship-decisions';
import { gdapStreamId } from './domain/gdap-ids';
import { GdapScheduler } from './gdap-scheduler';

const alreadyGone = (error: unknown): boolean =>
  error instanceof DomainError && ['PRECONDITION_FAILED', 'NOT_FOUND'].includes(error.code);

/**
 * R70: ends every grant a partner holds in the customer's tenant once the customer asked
 * (`PartnerAccessRevocationRequested`): run at once by the request, and by the PolicyReactor again
 * after a crash midway, so what was left is finished, with the request's correlation id. Each step
 * is idempotent: GDAP and DAP are revocations (fenced first, revocations.ts) that find nothing left
 * to end once ended; the Azure role assignments of the partner's groups are removed per
 * subscription, as its stream holds them then.
 * It leaves alone a grant the customer gave again after the request: GDAP relationships approved
 * after it, a subscription role it gave the partner's groups after it, and (replayed) a DAP stream
 * someone else wrote after it. The partner's own changes meanwhile, made with what it still held
 * (after a crash, until the restart finishes), are ended with the rest.
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
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async react(event: DomainEvent, context: PolicyContext): Promise<number> {
    if (event.type !== 'PartnerAccessRevocationRequested') return 0;
    const { partnerTenantId, customerTenantId } = event.data;
    const pair = { partnerTenantId, customerTenantId };
    // Each step is tried even when one before it fails, which is then thrown for a retry: a grant
    // one step cannot end now does not keep the others in force.
    const positions: number[] = [];
    let failed: { error: unknown } | undefined;
    for (const step of [
      () => this.endGdap(pair, context),
      () => this.removeDap(pair, context),
      () => this.removeSubscriptionRoles(pair, context),
    ]) {
      try {
        positions.push(...[await step()].flat());
      } catch (error) {
        failed ??= { error };
      }
    }
    if (failed) throw failed.error;
    // With nothing left to end, where the stream stood: a concurrent request may have ended it.
    return Math.max(...positions);
  }

  private async endGdap(
    pair: { partnerTenantId: string; customerTenantId: string },
    context: PolicyContext,
  ): Promise<number> {
    const { partnerTenantId, customerTenantId } = pair;
    const streamId = gdapStreamId(partnerTenantId);
    await this.holdPartnerWrites(streamId, pair, context);
    const gdap = await this.revocations.revoke({
      streamId,
      decider: gdapDecider,
      command: {
        type: 'TerminateAllForCustomer',
        actor: context.actor,
        partnerTenantId,
        customerTenantId,
        approvedSinceRequest: [],
      },
      // By the log's order, not by the clocks of the instances that approved and asked.
      withFacts: async (command) => ({
        ...command,
        approvedSinceRequest: await this.approvedSince(streamId, customerTenantId, context),
      }),
      revoking: 'GDAP',
      pair,
      context,
    });
    // Terminations are finished by the scheduler (R64).
    if (gdap.events.length > 0) this.scheduler.consider(partnerTenantId);
    return gdap.position;
  }

  private async removeDap(
    pair: { partnerTenantId: string; customerTenantId: string },
    context: PolicyContext,
  ): Promise<number> {
    const streamId = streamIds.dapGrant(pair.partnerTenantId, pair.customerTenantId);
    const dap = await this.aggregates.load(streamId, dapGrantDecider);
    if (await this.changedByOthers(streamId, context)) return 0;
    if (dap.state.status !== 'ACTIVE') return dap.lastPosition;
    return this.commandBus
      .execute(
        RemoveDelegatedAdminPrivileges.confirmedBy(context, pair, {
          endingAllAccessRequestedAt: context.triggeredAt,
        }),
      )
      .then(({ position }) => position, this.goneFrom(streamId));
  }

  private async removeSubscriptionRoles(
    { partnerTenantId, customerTenantId }: { partnerTenantId: string; customerTenantId: string },
    context: PolicyContext,
  ): Promise<number[]> {
    // Every subscription provisioned before the request, also when the reactor runs this after a
    // crash, before its read model has caught up.
    await this.readSide.showing(context.triggeredAt, 'partner-subscriptions');
    const positions: number[] = [];
    for (const { subscriptionId } of this.subscriptions.allOf(partnerTenantId, customerTenantId)) {
      const streamId = streamIds.subscription(subscriptionId);
      // R22 is kept: a subscription provisioned since makes the Admin Agents its Owner anew.
      if (await this.provisionedSince(streamId, context)) continue;
      const removal: SubscriptionRbacCommand = {
        type: 'RemovePartnerRoleAssignments',
        actor: context.actor,
        subscriptionId,
        partnerTenantId,
      };
      // The customer's grants since the request are read on every attempt: one that lands while
      // this removal is decided makes its append conflict, and the retry leaves it alone.
      const withKept = async (command: SubscriptionRbacCommand) => ({
        ...command,
        keepAssignmentIds: await this.customerGrantsSince(streamId, context),
      });
      positions.push(
        await this.aggregates
          .decide(streamId, subscriptionRbacDecider, removal, context, { withFacts: withKept })
          .then(({ position }) => position, this.goneFrom(streamId)),
      );
    }
    return positions;
  }

  /**
   * A step refused because its grant is already gone (a concurrent request ended it) has nothing
   * left to do, but the request's answer must show it gone: it is answered once the read models
   * reach the end of `streamId`, where the grant ended, not only the request's own events.
   */
  private goneFrom(streamId: string): (error: unknown) => Promise<number> {
    return async (error) => {
      if (!alreadyGone(error)) throw error;
      const [last] = await this.store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
      return last?.position ?? 0;
    };
  }

  /**
   * The partner writes `gdap-<partner>` for all its customers, from every instance: were its
   * changes free to land, each would make the termination's append conflict, as long as it kept
   * writing. Whatever the stream's revision, a GdapRevocationStarted is recorded first (when there
   * is something to end), after which the partner's changes are refused until the termination's
   * own append records GdapRevocationFinished; one decided before it conflicts and is refused on
   * its retry. Only the customers' own changes (approvals, terminations) and the scheduler still
   * share the stream.
   */
  private async holdPartnerWrites(
    streamId: string,
    pair: { partnerTenantId: string; customerTenantId: string },
    context: PolicyContext,
  ): Promise<void> {
    const { state } = await this.aggregates.load(streamId, gdapDecider);
    if (state.revocationsUnderway.has(pair.customerTenantId)) return;
    const approvedSinceRequest = await this.approvedSince(streamId, pair.customerTenantId, context);
    const command = { customerTenantId: pair.customerTenantId, approvedSinceRequest };
    if (endingOnRevoke(state, command).length === 0) return;
    const started: DomainEvent = { type: 'GdapRevocationStarted', data: pair };
    await this.aggregates.record(streamId, [started], 'any', context, this.clock.now());
  }

  /** The customer's GDAP relationships approved on `streamId` after the request. */
  private async approvedSince(
    streamId: string,
    customerTenantId: string,
    context: PolicyContext,
  ): Promise<string[]> {
    const since = await recordedAfter(this.store, streamId, context.triggeredAt);
    return since.flatMap((recorded) => {
      const event = domainEventOf(recorded);
      return event?.type === 'DelegatedAdminRelationshipApproved' &&
        event.data.customerTenantId === customerTenantId
        ? [event.data.relationshipId]
        : [];
    });
  }

  private async provisionedSince(streamId: string, context: PolicyContext): Promise<boolean> {
    const since = await recordedAfter(this.store, streamId, context.triggeredAt);
    return since.some((recorded) => recorded.type === 'AzureSubscriptionProvisioned');
  }

  /** The role assignments the customer (another request of it) made on `streamId` since the request. */
  private async customerGrantsSince(streamId: string, context: PolicyContext): Promise<string[]> {
    const since = await recordedAfter(this.store, streamId, context.triggeredAt);
    return since.flatMap((recorded) => {
      const event = domainEventOf(recorded);
      const byCustomer =
        recorded.metadata.actor.tenantId === context.actor.tenantId &&
        recorded.metadata.correlationId !== context.correlationId;
      return event?.type === 'SubscriptionRoleAssigned' && byCustomer
        ? [event.data.assignmentId]
        : [];
    });
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
