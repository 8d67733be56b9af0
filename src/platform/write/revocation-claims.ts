import { readUntil } from '../common/read-until';
import type { Settings } from '../config/settings';
import type { Clock } from '../config/clock';
import {
  type RevocableFact,
  revocationClaimed,
  revocationClaimReleased,
} from '../domain/revocation-fences';
import { streamIds } from '../domain/streams';
import {
  type EventStore,
  type RecordedEvent,
  WrongExpectedRevisionError,
} from '../event-store/event-store';
import { domainEventOf } from '../event-store/unreadable-events';
import { type AggregateStore, StreamContended } from './aggregate-store';
import type { CommandContext } from './command-context';

/** What a claim names: the pair, the fact, its stream, and the request claiming. */
export interface Claimant {
  pair: { partnerTenantId: string; customerTenantId: string };
  revoking: RevocableFact;
  streamId: string;
  context: CommandContext;
}

/** One attempt's claim: the revision it decided on, when, and the claims it holds already. */
export interface ClaimAttempt {
  factRevision: number;
  decidedAt: Date;
  /** Whether to take over another's claim at this revision of the claim stream. */
  takeOver: (claimRevision: number) => boolean;
  /** The ids of the claims this revocation appended. */
  held: Set<string>;
}

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
    /** The claim stream, and the claim's revision in it. */
    readonly claimStream: string,
    readonly claimRevision: number,
    /** The claiming request's correlation id. */
    readonly holder: string,
    /** The fact stream's revision after which the holder's event is awaited. */
    readonly factRevision: number,
  ) {
    super('The revocation is claimed by another request.');
  }
}

/**
 * Across instances, one revocation of a pair's fact at a time (R50). Within a process revocations
 * take turns; across processes two identical ones (a double click on two instances, the customer
 * and the partner ending one GDAP relationship) would both fence the partner's streams, and the
 * loser, refused on its retry, would leave its fences behind. So each first claims the pair's
 * revocation of that fact: claims follow one another in `revocation-<p>_<c>.<fact>`, each appended
 * with the last one's revision expected; another request's claim is under way until its request
 * lands on the fact stream, releases it (its revocation ended without landing), or stalls.
 */
export class RevocationClaims {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly store: EventStore,
    private readonly settings: Pick<Settings, 'REVOCATION_STALLED_AFTER_MS'>,
    private readonly clock: Clock,
  ) {}

  /**
   * Decides; while the pair's revocation of the same fact is claimed by another request (on another
   * instance: this one's take turns), waits for that one to land on the fact stream, then decides
   * again on what it left. A claim whose request has not landed within `REVOCATION_STALLED_AFTER_MS`
   * stalled (its instance stopped, or it was refused): this one takes it over. After CLAIM_ROUNDS
   * claims met, it takes over whichever it meets.
   */
  async decideAfterClaims<T>(
    streamId: string,
    decide: (takeOver: (claimRevision: number) => boolean) => Promise<T>,
  ): Promise<T> {
    let takeOver = (_claimRevision: number) => false;
    for (let round = 1; ; round++) {
      try {
        return await decide(takeOver);
      } catch (error) {
        if (!(error instanceof ClaimedElsewhere)) throw error;
        const { claimStream, claimRevision, holder, factRevision } = error;
        const done = await this.untilDone(streamId, factRevision, holder, {
          claimStream,
          claimRevision,
        });
        takeOver =
          round >= CLAIM_ROUNDS ? () => true : (revision) => !done && revision === claimRevision;
      }
    }
  }

  /**
   * Claims the pair's revocation of `revoking` for this revocation: appends a claim after the claim
   * stream's last, unless that is one it appended itself (`held`: an attempt before its fact stream
   * moved). Throws ClaimedElsewhere while another's claim is under way, unless `takeOver` says. A
   * request's id is the caller's to choose, so two requests sent with one id are two claimants;
   * a resumption after a crash takes its own claim over once it has stalled.
   */
  async claim(
    { pair, revoking, streamId, context }: Claimant,
    { factRevision, decidedAt, takeOver, held }: ClaimAttempt,
  ): Promise<void> {
    const claimStream = claimStreamOf(pair, revoking);
    const claimed = revocationClaimed(pair, revoking, streamId, factRevision);
    for (let attempt = 1; attempt <= CLAIM_ATTEMPTS; attempt++) {
      const last = await this.lastOf(claimStream);
      if (last && held.has(last.id)) return;
      if (last && !takeOver(last.revision)) await this.refuseIfUnderWay(last, factRevision);
      try {
        const expected = last?.revision ?? 'no_stream';
        const { eventIds } = await this.aggregates.record(
          claimStream,
          [claimed],
          expected,
          context,
          decidedAt,
        );
        eventIds.forEach((id) => held.add(id));
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
    const read = domainEventOf(claim);
    // Written by no revocation of this version (unreadable, or by hand): it holds nothing.
    if (read?.type !== 'PartnerAccessRevocationClaimed') return;
    const { factStreamId, factRevision: claimedAt } = read.data;
    if (typeof factStreamId !== 'string' || !Number.isSafeInteger(claimedAt)) return;
    const holder = claim.metadata.correlationId;
    const elsewhere = (revision: number) =>
      new ClaimedElsewhere(claim.streamId, claim.revision, holder, revision);
    if (claimedAt > factRevision) throw elsewhere(factRevision);
    const landed = await this.landedAt(factStreamId, claimedAt, holder);
    if (landed !== undefined) {
      if (landed > factRevision) throw elsewhere(factRevision);
      return;
    }
    const age = this.clock.now().getTime() - Date.parse(claim.metadata.occurredAt);
    if (age < this.settings.REVOCATION_STALLED_AFTER_MS) throw elsewhere(claimedAt);
  }

  /**
   * The revocation that appended the claims `held` ended without landing on its fact stream:
   * releases the last of them, unless another request has claimed since (its claim stays).
   */
  async release(
    { pair, revoking, streamId, context }: Claimant,
    held: ReadonlySet<string>,
  ): Promise<void> {
    const claimStream = claimStreamOf(pair, revoking);
    const last = await this.lastOf(claimStream);
    if (!last || !held.has(last.id)) return;
    try {
      await this.aggregates.record(
        claimStream,
        [revocationClaimReleased(pair, revoking, streamId)],
        last.revision,
        context,
        this.clock.now(),
      );
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
    }
  }

  private async lastOf(claimStream: string): Promise<RecordedEvent | undefined> {
    const [last] = await this.store.readStream(claimStream, {
      direction: 'backwards',
      maxCount: 1,
    });
    return last;
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

  /**
   * Whether the claim at `claimRevision` of `claimStream` is done with within
   * REVOCATION_STALLED_AFTER_MS: its `holder` request landed after `revision` on `streamId`, or
   * the claim is followed in its stream (released, or taken over by another request).
   */
  private untilDone(
    streamId: string,
    revision: number,
    holder: string,
    { claimStream, claimRevision }: { claimStream: string; claimRevision: number },
  ): Promise<boolean> {
    const done = async () =>
      ((await this.lastOf(claimStream))?.revision ?? -1) > claimRevision ||
      (await this.landedAt(streamId, revision, holder)) !== undefined;
    return readUntil(
      done,
      (isDone) => isDone,
      this.settings.REVOCATION_STALLED_AFTER_MS,
      () => CLAIM_POLL_MS,
    );
  }
}

const claimStreamOf = (
  pair: { partnerTenantId: string; customerTenantId: string },
  revoking: RevocableFact,
) => streamIds.revocationClaim(pair.partnerTenantId, pair.customerTenantId, revoking);
