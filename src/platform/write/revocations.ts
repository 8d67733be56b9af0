import { Inject, Injectable } from '@nestjs/common';
import { type RevocableFact, revocationStarted } from '../domain/revocation-fences';
import type { DomainEvent } from '../../events';
import type { Decider } from '../domain/decider';
import { AggregateStore } from './aggregate-store';
import { type Claimant, RevocationClaims } from './revocation-claims';
import type { CommandContext } from './command-context';
import { FENCED_STREAMS, type FencedStreamsOf } from '../capability';
import { DomainError } from '../domain/domain-error';
import { EVENT_STORE, type EventStore } from '../event-store/event-store';
import { SETTINGS, type Settings } from '../config/settings';
import { CLOCK, type Clock } from '../config/clock';
import { lastRecorded, type Recorded } from '../event-store/last-recorded';

/** Longer than the reactor takes to reach an event appended a moment ago, on a busy server. */
const FORGET_AFTER_MS = 60_000;

export interface Revocation<Command, Event extends DomainEvent, State> {
  /** The pair's stream holding the fact being revoked, and its decider. */
  streamId: string;
  decider: Decider<Command, Event, State>;
  command: Command;
  revoking: RevocableFact;
  pair: { partnerTenantId: string; customerTenantId: string };
  context: CommandContext & { causationId?: string };
  /** Resuming after a crash: only if the fact stream is still at the revision fenced for. */
  resumeAtRevision?: number;
  /** Completes the command with what other streams say, on every attempt (DecideOptions). */
  withFacts?: (command: Command) => Promise<Command>;
  /**
   * Whether the decided events take anything away (absent: they always do). A change that only
   * grants more needs no fence: a partner action decided on less is allowed on more too.
   */
  takesAccessAway?: (events: readonly Event[]) => boolean;
  /** Why the decided events revoke the fact, recorded on the fences for a resumption to repeat. */
  reasonOf?: (events: readonly Event[]) => string | undefined;
  /**
   * The revocation recorded its start on the fact stream itself (an end, R50), which already lets
   * one request at a time begin it: it needs no claim.
   */
  startedOnFactStream?: boolean;
  /**
   * The revocation this one follows fenced the partner's streams already (an end's DAP removal):
   * it only claims the fact, so that the same revocation asked for at once waits for it.
   */
  alreadyFenced?: boolean;
}

/**
 * Revocation always wins. It is decided on the fact's own stream (DapGrant, Relationship), which
 * the partner's traffic never writes to, so the customer does not compete with it. Before its
 * event is appended, every stream where partner actions depend on the fact is fenced with an
 * unconditional append: a partner action decided on the fact as it was is then refused there,
 * so nothing the partner does lands after the revocation. A crash after the fences and before the
 * revocation is finished by the FollowUpReactor, which resumes it from the fence.
 */
@Injectable()
export class Revocations {
  /** Revocations this process is running, by fact stream and revision: whether each succeeded. */
  private readonly running = new Map<string, Promise<boolean>>();
  private readonly claims: RevocationClaims;

  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(FENCED_STREAMS) private readonly fencedStreams: FencedStreamsOf,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SETTINGS) settings: Pick<Settings, 'REVOCATION_STALLED_AFTER_MS'>,
    @Inject(CLOCK) clock: Clock,
  ) {
    this.claims = new RevocationClaims(aggregates, store, settings, clock);
  }

  /**
   * Whether this process itself is finishing the revocation fenced at `factRevision` of
   * `streamId`: undefined if not, else whether it succeeded (the reactor must not run it twice).
   */
  ranHere(streamId: string, factRevision: number): Promise<boolean> | undefined {
    return this.running.get(`${streamId}@${factRevision}`);
  }

  /**
   * Runs `work`, which starts a revocation to be fenced at `factRevision` of `streamId` before its
   * fences exist (a start recorded on the fact stream): the reactor leaves it to `work` meanwhile.
   */
  async runningAt<T>(streamId: string, factRevision: number, work: () => Promise<T>): Promise<T> {
    const key = `${streamId}@${factRevision}`;
    const { promise, resolve: finished } = Promise.withResolvers<boolean>();
    this.running.set(key, promise);
    try {
      const result = await work();
      finished(result !== undefined);
      return result;
    } catch (error) {
      finished(false);
      throw error;
    } finally {
      this.forget([key]);
    }
  }

  async revoke<Command, Event extends DomainEvent, State>(
    revocation: Revocation<Command, Event, State>,
  ): Promise<Recorded> {
    const { streamId, decider, command, context } = revocation;
    const { promise: outcome, resolve: finished } = Promise.withResolvers<boolean>();
    const keys: string[] = [];
    const fences = new Set<string>();
    const held = new Set<string>();
    const decide = (takeOver: (claimRevision: number) => boolean) =>
      this.aggregates.decide(streamId, decider, command, context, {
        // R50: revocations of one fact in this process take turns, so one that would lose the
        // race (and be refused on its retry) is decided after the winner and fences nothing. One
        // that fences nothing loses nothing by a race, and does not hold up the grants' follow-ups.
        takeTurns: !revocation.alreadyFenced,
        onlyAtRevision: revocation.resumeAtRevision,
        withFacts: revocation.withFacts,
        beforeAppend: async (factRevision, decidedAt, events) => {
          if (revocation.takesAccessAway?.(events) === false) return;
          // Noted before the fences exist: the reactor sees them at once and must leave them to us.
          keys.push(`${streamId}@${factRevision}`);
          this.running.set(keys[keys.length - 1], outcome);
          if (!revocation.startedOnFactStream) {
            await this.claims.claim(revocation, { factRevision, decidedAt, takeOver, held });
          }
          if (revocation.alreadyFenced) return;
          const ids = await this.fence(revocation, factRevision, events, decidedAt);
          ids.forEach((id) => fences.add(id));
        },
      });
    try {
      const decided = await this.claims.decideAfterClaims(streamId, decide);
      finished(true);
      // Fenced, then found the stream moved: another instance may have finished it (below).
      const moved = decided.events.length === 0 && fences.size > 0;
      const outcome = (moved && (await this.finishedElsewhere(streamId, fences))) || decided;
      if (outcome.events.length === 0) await this.release(revocation, held);
      return outcome;
    } catch (error) {
      finished(false);
      const refusedAfterFencing = error instanceof DomainError && fences.size > 0;
      const elsewhere = refusedAfterFencing && (await this.finishedElsewhere(streamId, fences));
      if (elsewhere) return elsewhere;
      await this.release(revocation, held);
      throw error;
    } finally {
      this.forget(keys);
    }
  }

  /**
   * A revocation that claimed its fact and ended without landing releases its claim, so that the
   * same revocation waiting for it, on any instance, goes on at once. Best effort: a claim left
   * unreleased stalls after REVOCATION_STALLED_AFTER_MS, as one whose instance stopped.
   */
  private async release(
    revocation: Pick<Revocation<unknown, DomainEvent, unknown>, keyof Claimant>,
    held: ReadonlySet<string>,
  ): Promise<void> {
    if (held.size === 0) return;
    await this.claims.release(revocation, held).catch(() => undefined);
  }

  /** Kept until the reactor can no longer be reading these fences for the first time. */
  private forget(keys: readonly string[]): void {
    setTimeout(() => keys.forEach((key) => this.running.delete(key)), FORGET_AFTER_MS).unref();
  }

  /**
   * Several instances on one store: the policies' lease holder sees this revocation's fences in
   * `$all` at once and, as after a crash, may finish it from them for the same request before this
   * instance appends; this one, decided again, then finds nothing left to revoke. When the fact
   * stream ends with an event caused by one of its `fences` (the reactor's resumption names the
   * fence it resumed from), that event is the revocation's, done all the same.
   */
  private finishedElsewhere(
    streamId: string,
    fences: ReadonlySet<string>,
  ): Promise<Recorded | undefined> {
    return lastRecorded(this.store, streamId, (_event, last) =>
      fences.has(last.metadata.causationId),
    );
  }

  /**
   * Fences every stream whose partner actions depend on `revoking` (with "any": nothing the partner
   * does can make this fail), before the revocation decided at `factRevision` is appended: the
   * fences occurred when it was decided, as it did. Resolves with the fences' ids.
   */
  private async fence<Event extends DomainEvent>(
    {
      pair,
      revoking,
      reasonOf,
      context,
    }: Pick<Revocation<unknown, Event, unknown>, 'pair' | 'revoking' | 'reasonOf' | 'context'>,
    factRevision: number,
    events: readonly Event[],
    decidedAt: Date,
  ): Promise<string[]> {
    const { partnerTenantId, customerTenantId } = pair;
    const reason = reasonOf?.(events);
    const recorded = await Promise.all(
      this.fencedStreams(partnerTenantId, customerTenantId).map(({ scope, streamId }) =>
        this.aggregates.record(
          streamId,
          [
            revocationStarted(
              partnerTenantId,
              customerTenantId,
              revoking,
              factRevision,
              scope,
              reason,
            ),
          ],
          'any',
          context,
          decidedAt,
        ),
      ),
    );
    return recorded.flatMap(({ eventIds }) => eventIds);
  }
}
