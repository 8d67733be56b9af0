import { Inject, Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type PartnerAccessRevocationClaimed,
  type RevocableFact,
  revocationClaimed,
} from '../domain/revocation-fences';
import type { DomainEvent } from '../../events';
import type { Decider } from '../domain/decider';
import { AggregateStore, StreamContended } from './aggregate-store';
import type { CommandContext } from './command-context';
import { FENCED_STREAMS, type FencedStreamsOf } from '../capability';
import { revocationStarted } from '../domain/revocation-fences';
import { DomainError } from '../domain/domain-error';
import {
  EVENT_STORE,
  type EventStore,
  type RecordedEvent,
  WrongExpectedRevisionError,
} from '../event-store/event-store';
import { SETTINGS, type Settings } from '../config/settings';
import { CLOCK, type Clock } from '../config/clock';
import { streamIds } from '../domain/streams';
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
}

type Claimant = Pick<
  Revocation<unknown, DomainEvent, unknown>,
  'pair' | 'revoking' | 'streamId' | 'context'
>;

/** How often a revocation waiting for another request's claim looks at the fact stream. */
const CLAIM_POLL_MS = 20;
/** Claims of other requests a revocation waits for before it takes over any it meets. */
const CLAIM_ROUNDS = 3;
/** Events read after the claimed revision at a time: the holder's lands among the first few. */
const CLAIM_READ_MAX = 100;
/** Appends of a claim that find the claim stream moved before one is taken as contended. */
const CLAIM_ATTEMPTS = 5;

/** The pair's revocation of the same fact is claimed by another request, still under way. */
class ClaimedElsewhere extends Error {
  constructor(
    /** The claim's revision in the claim stream. */
    readonly claimRevision: number,
    /** The claiming request's correlation id. */
    readonly holder: string,
    /** The fact stream's revision the holder decided on. */
    readonly factRevision: number,
  ) {
    super('The revocation is claimed by another request.');
  }
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

  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(FENCED_STREAMS) private readonly fencedStreams: FencedStreamsOf,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SETTINGS) private readonly settings: Pick<Settings, 'REVOCATION_STALLED_AFTER_MS'>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

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
    const decide = (takeOver: (claimRevision: number) => boolean) =>
      this.aggregates.decide(streamId, decider, command, context, {
        // R50: revocations of one fact in this process take turns, so one that would lose the
        // race (and be refused on its retry) is decided after the winner and fences nothing.
        takeTurns: true,
        onlyAtRevision: revocation.resumeAtRevision,
        withFacts: revocation.withFacts,
        beforeAppend: async (factRevision, decidedAt, events) => {
          if (revocation.takesAccessAway?.(events) === false) return;
          // Noted before the fences exist: the reactor sees them at once and must leave them to us.
          keys.push(`${streamId}@${factRevision}`);
          this.running.set(keys[keys.length - 1], outcome);
          if (!revocation.startedOnFactStream) {
            await this.claim(revocation, factRevision, decidedAt, takeOver);
          }
          const ids = await this.fence(revocation, factRevision, events, decidedAt);
          ids.forEach((id) => fences.add(id));
        },
      });
    try {
      const decided = await this.decideAfterClaims(streamId, decide);
      finished(true);
      // Fenced, then found the stream moved: another instance may have finished it (below).
      const moved = decided.events.length === 0 && fences.size > 0;
      return (moved && (await this.finishedElsewhere(streamId, fences))) || decided;
    } catch (error) {
      finished(false);
      const refusedAfterFencing = error instanceof DomainError && fences.size > 0;
      const elsewhere = refusedAfterFencing && (await this.finishedElsewhere(streamId, fences));
      if (elsewhere) return elsewhere;
      throw error;
    } finally {
      this.forget(keys);
    }
  }

  /**
   * Decides; while the pair's revocation of the same fact is claimed by another request (on another
   * instance: this one's take turns), waits for that one to land on the fact stream, then decides
   * again on what it left. A claim whose request has not landed within `REVOCATION_STALLED_AFTER_MS`
   * stalled (its instance stopped, or it was refused): this one takes it over. After CLAIM_ROUNDS
   * claims met, it takes over whichever it meets.
   */
  private async decideAfterClaims<T>(
    streamId: string,
    decide: (takeOver: (claimRevision: number) => boolean) => Promise<T>,
  ): Promise<T> {
    let takeOver = (_claimRevision: number) => false;
    for (let round = 1; ; round++) {
      try {
        return await decide(takeOver);
      } catch (error) {
        if (!(error instanceof ClaimedElsewhere)) throw error;
        const { claimRevision, holder, factRevision } = error;
        const landed = await this.untilLanded(streamId, factRevision, holder);
        takeOver =
          round >= CLAIM_ROUNDS ? () => true : (revision) => !landed && revision === claimRevision;
      }
    }
  }

  /**
   * Claims the pair's revocation of `revoking` for this request: appends a claim after the claim
   * stream's last, unless that is this request's own (its retry, or its resumption after a crash).
   * Throws ClaimedElsewhere while another request's claim is under way, unless `takeOver` says.
   */
  private async claim(
    { pair, revoking, streamId, context }: Claimant,
    factRevision: number,
    decidedAt: Date,
    takeOver: (claimRevision: number) => boolean,
  ): Promise<void> {
    const claimStream = streamIds.revocationClaim(
      pair.partnerTenantId,
      pair.customerTenantId,
      revoking,
    );
    const claimed = revocationClaimed(pair, revoking, streamId, factRevision);
    for (let attempt = 1; attempt <= CLAIM_ATTEMPTS; attempt++) {
      const [last] = await this.store.readStream(claimStream, {
        direction: 'backwards',
        maxCount: 1,
      });
      if (last?.metadata.correlationId === context.correlationId) return;
      if (last && !takeOver(last.revision)) await this.refuseIfUnderWay(last, factRevision);
      try {
        await this.aggregates.record(
          claimStream,
          [claimed],
          last?.revision ?? 'no_stream',
          context,
          decidedAt,
        );
        return;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
      }
    }
    throw new StreamContended(claimStream);
  }

  /**
   * Throws ClaimedElsewhere if `claim`'s request is still under way (it has not landed on its fact
   * stream and was claimed less than REVOCATION_STALLED_AFTER_MS ago), or landed after
   * `factRevision`, the revision this request decided on: it must decide again on what it left.
   */
  private async refuseIfUnderWay(claim: RecordedEvent, factRevision: number): Promise<void> {
    const { factStreamId, factRevision: claimedAt } =
      claim.data as PartnerAccessRevocationClaimed['data'];
    const holder = claim.metadata.correlationId;
    const elsewhere = (revision: number) => new ClaimedElsewhere(claim.revision, holder, revision);
    if (claimedAt > factRevision) throw elsewhere(factRevision);
    const landed = await this.landedAt(factStreamId, claimedAt, holder);
    if (landed !== undefined) {
      if (landed > factRevision) throw elsewhere(factRevision);
      return;
    }
    const age = this.clock.now().getTime() - Date.parse(claim.metadata.occurredAt);
    if (age < this.settings.REVOCATION_STALLED_AFTER_MS) throw elsewhere(claimedAt);
  }

  /** The revision of the first event of the `holder` request after `revision` on `streamId`. */
  private async landedAt(
    streamId: string,
    revision: number,
    holder: string,
  ): Promise<number | undefined> {
    const since = await this.store.readStream(streamId, {
      fromRevision: revision + 1,
      maxCount: CLAIM_READ_MAX,
    });
    return since.find((event) => event.metadata.correlationId === holder)?.revision;
  }

  /** Whether the `holder` request lands after `revision` on `streamId` within REVOCATION_STALLED_AFTER_MS. */
  private async untilLanded(streamId: string, revision: number, holder: string): Promise<boolean> {
    const deadline = Date.now() + this.settings.REVOCATION_STALLED_AFTER_MS;
    for (;;) {
      if ((await this.landedAt(streamId, revision, holder)) !== undefined) return true;
      if (Date.now() >= deadline) return false;
      await sleep(CLAIM_POLL_MS);
    }
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
