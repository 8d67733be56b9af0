import { readUntil } from '../platform/common/read-until';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { DomainEvent } from '../events';
import { lastRecorded } from '../platform/event-store/last-recorded';
import { EVENT_STORE, type EventStore } from '../platform/event-store/event-store';
import { backoffMs } from '../platform/common/backoff';
import { relationshipDecider, type RelationshipState } from './domain/relationship.decider';
import { streamIds } from '../platform/domain/streams';
import {
  subscriptionRbacDecider,
  type SubscriptionRbacState,
} from '../azure-subscriptions/domain/subscription-rbac.decider';
import { conflict } from '../platform/domain/domain-error';
import { AggregateStore, revisionNumber } from '../platform/write/aggregate-store';
import type { CommandContext } from '../platform/write/command-context';
import { Intent } from '../platform/write/intent';
import type { EndResellerRelationshipCommand } from './domain/commands';
import { Policies } from '../platform/policies/policies';
import { Revocations } from '../platform/write/revocations';

/** Reading the links again when a provisioning linked one meanwhile: a bound, as for conflicts. */
const MAX_ATTEMPTS = 5;
/**
 * A provisioning appends its subscription right after its link: one whose subscription is not
 * written after this long has stopped (a crash), and the end voids its link.
 */
const PROVISIONING_GRACE_MS = 1_500;
/** The end's checks before anything is written do not depend on the time. */
const NOW = new Date(0);

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
 * relationship stream); ending also removes the partner's DAP. Started first on the relationship
 * stream (relationship.decider.ts), so that an end refused there has written nothing (R50); then
 * a revocation: every stream where partner actions need the relationship is fenced, and the end
 * recorded (revocations.ts).
 */
@CommandHandler(EndResellerRelationship)
export class EndResellerRelationshipHandler implements ICommandHandler<EndResellerRelationship> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly policies: Policies,
    private readonly revocations: Revocations,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute({ context, command, resumeAtRevision }: EndResellerRelationship) {
    const { partnerTenantId, customerTenantId } = command;
    const relationshipStream = streamIds.relationship(partnerTenantId, customerTenantId);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const { state, revision, lastPosition } = await this.aggregates.load(
        relationshipStream,
        relationshipDecider,
      );
      const atRevision = revisionNumber(revision);
      // A resumed end whose stream moved on (ended already, or ended and established again) has
      // nothing left to do, and must close no provisioning of what came after.
      if (resumeAtRevision !== undefined && atRevision !== resumeAtRevision)
        return { position: lastPosition };
      const fencedAt = state.ending ? atRevision : atRevision + 1;
      // The reactor, seeing the start, leaves the end to this process while it runs it.
      const ended = await this.revocations.runningAt(relationshipStream, fencedAt, async () => {
        const startedAt = state.ending
          ? atRevision
          : await this.start(relationshipStream, command, state, atRevision, context);
        if (startedAt === undefined) return undefined;
        return this.revocations.revoke({
          streamId: relationshipStream,
          decider: relationshipDecider,
          command: { ...command, activeProvisionedSubscriptionIds: [], atRevision: startedAt },
          revoking: 'RELATIONSHIP',
          pair: { partnerTenantId, customerTenantId },
          context,
          resumeAtRevision: startedAt,
          startedOnFactStream: true,
        });
      });
      // A provisioning linked a subscription meanwhile: read the links again.
      if (!ended) continue;
      // Once started, only its end moves the stream: recorded here, or by another runner (the
      // reactor, a concurrent end), whose DAP removal this answer must show too.
      const recorded =
        ended.events.length > 0
          ? ended
          : await lastRecorded(this.store, relationshipStream, isRelationshipEnded);
      if (!recorded) return { position: ended.position };
      // A DAP removal that fails to append now is retried by the reactor.
      const dapPosition = await this.policies
        .runNow(recorded, context)
        .catch(() => recorded.position);
      return { position: Math.max(ended.position, dapPosition) };
    }
    throw conflict(
      'Azure subscriptions kept being provisioned for this customer while the relationship was ending; nothing was changed. Please try again.',
    );
  }

  /**
   * Decides the end on the links read at `atRevision` and records its start there: the revision of
   * the start, or undefined when the stream moved meanwhile (a new link).
   */
  private async start(
    relationshipStream: string,
    command: EndResellerRelationshipCommand,
    state: RelationshipState,
    atRevision: number,
    context: CommandContext,
  ): Promise<number | undefined> {
    // Refused before anything is written: a refused end closes no provisioning.
    const unsettled = { ...command, activeProvisionedSubscriptionIds: [], atRevision };
    relationshipDecider.decide(unsettled, state, NOW);
    const activeProvisionedSubscriptionIds = await this.settledActiveSubscriptions(
      state.linkedSubscriptionIds,
      command,
      context,
      { streamId: relationshipStream, atRevision },
    );
    if (!activeProvisionedSubscriptionIds) return undefined;
    const started = await this.aggregates.decide(
      relationshipStream,
      relationshipDecider,
      { ...unsettled, activeProvisionedSubscriptionIds },
      context,
      { onlyAtRevision: atRevision },
    );
    return started.events.length === 0 ? undefined : atRevision + 1;
  }

  /**
   * R9: the linked subscriptions that are active, once the provisionings under way have written
   * theirs (R50: an end refused for one of them has written nothing). Unless one is active (then
   * R9 refuses), each linked id still with no subscription is voided on its own stream: its
   * provisioning stopped there (a crash) or is slower than PROVISIONING_GRACE_MS, and is then
   * refused (R22), or it landed first and counts here. Undefined when a link was appended
   * meanwhile (nothing voided).
   */
  private async settledActiveSubscriptions(
    subscriptionIds: readonly string[],
    { actor, partnerTenantId, customerTenantId }: EndResellerRelationshipCommand,
    context: CommandContext,
    links: { streamId: string; atRevision: number },
  ): Promise<string[] | undefined> {
    const loaded = await this.afterProvisioningsUnderWay(subscriptionIds);
    const active = activeAmong(subscriptionIds, loaded);
    if (active.length > 0) return active;
    // A link appended while this end waited: read the links again before closing any (R50).
    const { revision } = await this.aggregates.load(links.streamId, relationshipDecider);
    if (revisionNumber(revision) !== links.atRevision) return undefined;
    const settled = await this.subscriptionStates(subscriptionIds, (streamId, index) =>
      loaded[index].exists
        ? Promise.resolve({ state: loaded[index] })
        : this.aggregates.decide(
            streamId,
            subscriptionRbacDecider,
            {
              type: 'VoidUnfinishedProvisioning',
              actor,
              subscriptionId: subscriptionIds[index],
              customerTenantId,
              partnerTenantId,
            },
            context,
          ),
    );
    return activeAmong(subscriptionIds, settled);
  }

  /** The linked subscriptions, read again while one is unwritten, none is active, and time is left. */
  private async afterProvisioningsUnderWay(
    subscriptionIds: readonly string[],
  ): Promise<SubscriptionRbacState[]> {
    return readUntil(
      () =>
        this.subscriptionStates(subscriptionIds, (streamId) =>
          this.aggregates.load(streamId, subscriptionRbacDecider),
        ),
      (states) => {
        const underWay = states.some((state) => !state.exists && !state.voided);
        return !underWay || activeAmong(subscriptionIds, states).length > 0;
      },
      PROVISIONING_GRACE_MS,
      (attempt) => backoffMs(attempt, 5, 100),
    );
  }

  private subscriptionStates(
    subscriptionIds: readonly string[],
    read: (streamId: string, index: number) => Promise<{ state: SubscriptionRbacState }>,
  ): Promise<SubscriptionRbacState[]> {
    return Promise.all(
      subscriptionIds.map(
        async (id, index) => (await read(streamIds.subscription(id), index)).state,
      ),
    );
  }
}

const activeAmong = (subscriptionIds: readonly string[], states: SubscriptionRbacState[]) =>
  subscriptionIds.filter((_, index) => {
    const state = states[index];
    return state.exists && !state.cancelled;
  });

const isRelationshipEnded = (event: DomainEvent) => event.type === 'RelationshipEnded';
