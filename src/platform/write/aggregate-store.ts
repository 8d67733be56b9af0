import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CLOCK, type Clock } from '../config/clock';
import { schemaVersionOf } from '../../events';
import type { DomainEvent } from '../../events';
import { ownMomentOf } from '../domain/event-time';
import type { Decider } from '../domain/decider';
import { DomainError } from '../domain/domain-error';
import {
  EVENT_STORE,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  WrongExpectedRevisionError,
} from '../event-store/event-store';
import { domainEventOf } from '../event-store/unreadable-events';
import type { CommandContext } from './command-context';
import { StreamStateCache } from './stream-state-cache';
import { StreamTurns } from './stream-turns';

const MAX_ATTEMPTS = 8;

/**
 * A command that lost the race for its stream's revision on every attempt: answered CONFLICT (try
 * again), but no rule refused it, so a follow-up that meets it is retried, never passed as refused.
 */
export class StreamContended extends DomainError {
  constructor(streamId: string) {
    super(
      'CONFLICT',
      `Others kept changing ${streamId} at the same time; nothing was changed. Please try again.`,
    );
  }
}
/**
 * Between attempts after a conflict, a random wait of up to 2^attempt ms (2 to 128): writers that
 * collided on a hot stream spread out instead of colliding again in lockstep.
 */
const backoff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * 2 ** attempt));

/** The earlier event a decided event finishes (a follow-up recorded later): its id and request. */
export interface FinishedRequest {
  eventId: string;
  correlationId: string;
}

export interface DecideOptions<Event extends DomainEvent = DomainEvent, Command = unknown> {
  /**
   * Completes the command with what other streams say, read on every attempt once this stream is
   * loaded. Guarded at append only if whoever changes those facts also appends to this stream
   * afterwards: the conflict then makes the retry read them again.
   */
  withFacts?: (command: Command) => Promise<Command>;
  /**
   * Decide nothing if the stream has an event after this global position: a follow-up replayed
   * for an old event must not undo what happened on the stream since (e.g. re-grant removed DAP).
   */
  unlessChangedAfter?: number;
  /** Decide nothing unless the stream is still at this revision (-1: no stream), e.g. to resume. */
  onlyAtRevision?: number;
  /**
   * Runs once `events` are decided (at `decidedAt`, their occurredAt) and before they are appended
   * at `revision` (-1: no stream yet), on every attempt: a revocation fences the streams that
   * depend on it here.
   */
  beforeAppend?: (revision: number, decidedAt: Date, events: readonly Event[]) => Promise<void>;
  /**
   * Wait for this process's earlier commands on the stream instead of racing them for its
   * revision: for a stream many callers share (a tenant's Autopilot registry). The work of a turn
   * must never wait for another decision on the same stream (stream-turns.ts).
   */
  takeTurns?: boolean;
  /**
   * Per decided event, the earlier event of the stream it finishes (undefined: none), looked up at
   * the loaded `revision` (-1: no stream) on every attempt. Such an event carries that event's
   * correlation id and names it as its cause, so a request's audit lists what was finished for it
   * later (a termination the scheduler completes); the others carry the deciding context's.
   */
  finishes?: (
    revision: number,
    events: readonly Event[],
  ) => Promise<readonly (FinishedRequest | undefined)[]>;
}

/** A loaded revision as a number: -1 for a stream that does not exist yet. */
export const revisionNumber = (revision: number | 'no_stream'): number =>
  revision === 'no_stream' ? -1 : revision;

/**
 * Load → decide → append for one stream. A concurrent append is detected by the expected revision;
 * the stream is then read again and the command decided again on the newer state.
 */
@Injectable()
export class AggregateStore {
  private readonly states = new StreamStateCache();
  private readonly turns = new StreamTurns();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async load<Event extends DomainEvent, State>(
    streamId: string,
    decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
  ): Promise<{
    state: State;
    revision: number | 'no_stream';
    lastPosition: number;
    lastOccurredAt?: string;
  }> {
    const cached = this.states.get<State>(streamId, decider);
    const newer = await this.store.readStream(
      streamId,
      cached ? { fromRevision: cached.revision + 1 } : {},
    );
    // An event this version cannot read is skipped (and reported), never a reason to refuse.
    const state = newer.reduce(
      (current, recorded) => {
        const event = domainEventOf(recorded);
        return event ? decider.evolve(current, event as Event) : current;
      },
      cached ? cached.state : decider.initialState,
    );
    const last = newer.at(-1);
    if (!last) {
      return cached ?? { state, revision: 'no_stream', lastPosition: 0 };
    }
    const occurredAt = (last.metadata as { occurredAt?: unknown } | undefined)?.occurredAt;
    const loaded = {
      decider,
      state,
      revision: last.revision,
      lastPosition: last.position,
      lastOccurredAt: typeof occurredAt === 'string' ? occurredAt : cached?.lastOccurredAt,
    };
    this.states.set(streamId, loaded);
    return loaded;
  }

  decide<Command, Event extends DomainEvent, State>(
    streamId: string,
    decider: Decider<Command, Event, State>,
    command: Command,
    context: CommandContext & { causationId?: string },
    options: DecideOptions<Event, Command> = {},
  ): Promise<{ events: Event[]; state: State; position: number; eventIds: string[] }> {
    const decide = () => this.decideWithRetries(streamId, decider, command, context, options);
    return options.takeTurns ? this.turns.take(streamId, decide) : decide();
  }

  private async decideWithRetries<Command, Event extends DomainEvent, State>(
    streamId: string,
    decider: Decider<Command, Event, State>,
    command: Command,
    context: CommandContext & { causationId?: string },
    options: DecideOptions<Event, Command>,
  ): Promise<{ events: Event[]; state: State; position: number; eventIds: string[] }> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const { state, revision, lastPosition, lastOccurredAt } = await this.load(streamId, decider);
      const moved =
        (options.unlessChangedAfter !== undefined && lastPosition > options.unlessChangedAfter) ||
        (options.onlyAtRevision !== undefined &&
          revisionNumber(revision) !== options.onlyAtRevision);
      if (moved) return { events: [], state, position: lastPosition, eventIds: [] };
      const decided = options.withFacts ? await options.withFacts(command) : command;
      const now = this.clock.now();
      const events = decider.decide(decided, state, now);
      const newState = events.reduce(decider.evolve, state);
      // Nothing to append: the state decided on is visible once the stream's last event is.
      if (events.length === 0)
        return { events, state: newState, position: lastPosition, eventIds: [] };
      await options.beforeAppend?.(revisionNumber(revision), now, events);
      const finished = await options.finishes?.(revisionNumber(revision), events);
      const toAppend = this.withMetadata(events, context, now, finished, lastOccurredAt);
      try {
        const appended = await this.store.append(streamId, toAppend, revision);
        this.states.set(streamId, {
          decider,
          state: newState,
          revision: appended.nextExpectedRevision,
          lastPosition: appended.position,
          lastOccurredAt: toAppend.at(-1)?.metadata.occurredAt,
        });
        return {
          events,
          state: newState,
          position: appended.position,
          eventIds: toAppend.map((event) => event.id),
        };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (attempt < MAX_ATTEMPTS) await backoff(attempt);
      }
    }
    throw new StreamContended(streamId);
  }

  /**
   * Appends events decided elsewhere (a fence), with the request's metadata: occurred `at` the
   * moment of the decision they belong to, so times never run backwards along the positions.
   */
  async record(
    streamId: string,
    events: DomainEvent[],
    expectedRevision: ExpectedRevision,
    context: CommandContext & { causationId?: string },
    at: Date,
  ): Promise<{ position: number; eventIds: string[] }> {
    const toAppend = this.withMetadata(events, context, at);
    const appended = await this.store.append(streamId, toAppend, expectedRevision);
    return { position: appended.position, eventIds: toAppend.map((event) => event.id) };
  }

  /**
   * Each event is caused by the one before it of the same request, the first by the context's
   * cause; an event that finishes an earlier request (`finished`) is caused by the event it
   * finishes, and belongs to that request.
   */
  private withMetadata(
    events: DomainEvent[],
    context: CommandContext & { causationId?: string },
    now: Date,
    finished: readonly (FinishedRequest | undefined)[] = [],
    streamLastOccurredAt?: string,
  ): NewEvent[] {
    let previousOfContext = context.causationId ?? context.correlationId;
    const decidedAt = now.toISOString();
    // The latest time recorded on the stream so far, this batch's included (see momentOf).
    let latest = streamLastOccurredAt;
    return events.map((event, index) => {
      const id = randomUUID();
      const occurredAt = momentOf(event, decidedAt, latest);
      if (!latest || occurredAt > latest) latest = occurredAt;
      const earlier = finished[index];
      const causation = earlier ? earlier.eventId : previousOfContext;
      if (!earlier) previousOfContext = id;
      return {
        id,
        type: event.type,
        data: event.data,
        metadata: {
          correlationId: earlier ? earlier.correlationId : context.correlationId,
          causationId: causation,
          actor: context.actor,
          occurredAt,
          schemaVersion: schemaVersionOf(event.type),
        },
      };
    });
  }
}

/**
 * When `event` occurred: its own moment (a transition time decided, recorded late), never before
 * the latest time already on the stream (`latest`), so a stream's times never run backwards (an
 * edit recorded between a transition's due moment and its record stays before it); else the
 * moment of the decision.
 */
function momentOf(event: DomainEvent, decidedAt: string, latest?: string): string {
  const own = ownMomentOf(event)?.toISOString();
  if (own === undefined || own === decidedAt || !latest) return own ?? decidedAt;
  return own < latest ? latest : own;
}
