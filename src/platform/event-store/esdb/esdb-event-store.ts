import { setTimeout as sleep } from 'node:timers/promises';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  convertToCommandError,
  type AllStreamResolvedEvent,
  type ReadPosition,
  type StreamingRead,
} from '@eventstore/db-client';
import {
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type EventStoreHealth,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
} from '../event-store';
import { LiveAllSubscription } from './esdb-live-subscription';
import { AppendListeners } from '../append-listeners';
import {
  fromPosition,
  isSystemEvent,
  toEventData,
  toExpectedRevision,
  toPosition,
  toRecordedEvent,
} from './esdb-mapping';
import {
  DEFAULT_RETRY,
  EventStoreUnavailableError,
  NoAnswerError,
  mayHaveReachedServer,
  backoffDelay,
  describe,
  isTransient,
  type EsdbLogger,
  type RetryPolicy,
} from './esdb-retry';

import { withoutCredentials } from './connection-string';

export { EventStoreUnavailableError, type EsdbLogger, type RetryPolicy } from './esdb-retry';

export interface EsdbEventStoreOptions {
  /** How transient failures (server down, leader lost) are retried; see RetryPolicy. */
  retry?: Partial<RetryPolicy>;
  /** How long health() waits for the server before it reports DOWN (ms). */
  healthTimeoutMs?: number;
  logger?: EsdbLogger;
}

/** The least time an attempt is given before it is abandoned, however little the policy has left. */
const MIN_ATTEMPT_MS = 1_000;

/** How many `$all` records headPosition() reads per round trip while it skips system events. */
const HEAD_SCAN = 100;

const consoleLogger: EsdbLogger = {
  log: (message) => console.log(message),
  warn: (message) => console.warn(message),
};

/**
 * The event store on EventStoreDB (any `@eventstore/db-client` connection string, a single node
 * or a cluster). Every call requires the leader, so reads see the writes before them; transient
 * failures are retried with backoff (see RetryPolicy) and then reported as
 * EventStoreUnavailableError naming the server. The client connects lazily: a server that is down
 * at start is retried like one that goes down later, never a crash at construction.
 */
export class EsdbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly target: string;
  private readonly retry: RetryPolicy;
  private readonly healthTimeoutMs: number;
  private readonly logger: EsdbLogger;
  private readonly listeners = new AppendListeners();
  private readonly live: LiveAllSubscription;
  private readonly closing = new AbortController();

  constructor(connectionString: string, options: EsdbEventStoreOptions = {}) {
    this.target = withoutCredentials(connectionString);
    try {
      this.client = EventStoreDBClient.connectionString(connectionString);
    } catch (error) {
      throw new Error(
        `EVENTSTORE_URL "${this.target}" is not an EventStoreDB connection string (esdb://host:2113?tls=false or esdb+discover://…): ${describe(error)}`,
      );
    }
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.healthTimeoutMs = options.healthTimeoutMs ?? 2_000;
    this.logger = options.logger ?? consoleLogger;
    this.live = new LiveAllSubscription(
      this.client,
      () => this.listeners.notify(),
      this.retry,
      this.logger,
    );
  }

  async append(
    streamId: string,
    events: NewEvent[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    if (events.length === 0) return this.checkExpectation(streamId, expectedRevision);
    try {
      const result = await this.retrying(
        `appending to ${streamId}`,
        () =>
          this.client.appendToStream(streamId, events.map(toEventData), {
            expectedRevision: toExpectedRevision(expectedRevision),
            requiresLeader: true,
          }),
        { writes: true },
      );
      const appended: AppendResult = {
        nextExpectedRevision: Number(result.nextExpectedRevision),
        position: toPosition(result.position, `the append to ${streamId}`),
      };
      this.listeners.notify();
      return appended;
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      const actual =
        error.actualVersion === 'no_stream' ? 'no_stream' : Number(error.actualVersion);
      throw new WrongExpectedRevisionError(streamId, expectedRevision, actual);
    }
  }

  readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    return this.retrying(`reading ${streamId}`, async (abandoned) => {
      try {
        const read = this.client.readStream(streamId, {
          direction: backwards ? BACKWARDS : FORWARDS,
          fromRevision:
            options.fromRevision === undefined
              ? backwards
                ? END
                : START
              : BigInt(options.fromRevision),
          maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
          requiresLeader: true,
        });
        const resolved = await drain(read, abandoned);
        return resolved.flatMap(({ event }) => (event ? [toRecordedEvent(event)] : []));
      } catch (error) {
        if (error instanceof StreamNotFoundError) return [];
        throw error;
      }
    });
  }

  /**
   * Reads `$all` forwards from `after`. The server reads a position inclusively and this client
   * cannot filter such reads, so each round trip asks for one more than is missing, drops what
   * is not past `after`, skips system events, and goes on until the page is full or `$all` ends.
   */
  async readAll({ after = 0, maxCount }: ReadAllOptions): Promise<RecordedEvent[]> {
    const page: RecordedEvent[] = [];
    let cursor = BigInt(after);
    let from: ReadPosition = after > 0 ? fromPosition(after) : START;
    while (page.length < maxCount) {
      const wanted = maxCount - page.length + 1;
      const chunk = await this.readAllChunk(from, wanted, FORWARDS);
      for (const { event } of chunk) {
        if (!event || event.position.commit <= cursor) continue;
        cursor = event.position.commit;
        if (!isSystemEvent(event)) page.push(toRecordedEvent(event));
        if (page.length === maxCount) break;
      }
      const last = chunk[chunk.length - 1]?.event;
      if (chunk.length < wanted || !last) break;
      from = last.position;
    }
    return page;
  }

  /** The newest non-system event's position: reads `$all` backwards past system events. */
  async headPosition(): Promise<number> {
    let from: ReadPosition = END;
    for (;;) {
      const chunk = await this.readAllChunk(from, HEAD_SCAN, BACKWARDS);
      const newest = chunk.find(({ event }) => event && !isSystemEvent(event))?.event;
      if (newest) return toPosition(newest.position, `event ${newest.id}`);
      const oldest = chunk[chunk.length - 1]?.event;
      if (chunk.length < HEAD_SCAN || !oldest) return 0;
      from = oldest.position;
    }
  }

  /**
   * Listeners hear of this store's own appends at once, and of everyone else's through one live
   * `$all` subscription that runs while there are listeners.
   */
  onAppended(listener: () => void): () => void {
    const remove = this.listeners.add(listener);
    if (!this.closing.signal.aborted) this.live.start();
    return () => {
      if (remove() === 0) void this.live.stop();
    };
  }

  async health(): Promise<EventStoreHealth> {
    const down = (detail: string): EventStoreHealth => ({
      kind: 'eventstoredb',
      status: 'DOWN',
      detail,
    });
    if (this.closing.signal.aborted) return down('closed');
    const read = this.client.readAll({
      direction: BACKWARDS,
      fromPosition: END,
      maxCount: 1,
      requiresLeader: true,
    });
    try {
      await answerWithin((abandoned) => drain(read, abandoned), this.healthTimeoutMs);
    } catch (error) {
      return down(`${this.target}: ${describe(error)}`);
    }
    const problem = this.live.problem;
    return { kind: 'eventstoredb', status: 'UP', ...(problem ? { detail: problem } : {}) };
  }

  async close(): Promise<void> {
    if (this.closing.signal.aborted) return;
    this.closing.abort();
    this.listeners.clear();
    await this.live.stop();
    await this.client.dispose();
  }

  /** An empty append writes nothing: it checks the expectation against the stream's last event. */
  private async checkExpectation(
    streamId: string,
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    const [last] = await this.readStream(streamId, { direction: 'backwards', maxCount: 1 });
    const holds =
      expected === 'any' ||
      (expected === 'no_stream' && !last) ||
      (expected === 'stream_exists' && last !== undefined) ||
      expected === last?.revision;
    if (!holds) {
      throw new WrongExpectedRevisionError(streamId, expected, last ? last.revision : 'no_stream');
    }
    return { nextExpectedRevision: last ? last.revision : -1, position: await this.headPosition() };
  }

  private readAllChunk(
    from: ReadPosition,
    maxCount: number,
    direction: typeof FORWARDS | typeof BACKWARDS,
  ): Promise<AllStreamResolvedEvent[]> {
    return this.retrying('reading $all', (abandoned) =>
      drain(
        this.client.readAll({ fromPosition: from, maxCount, direction, requiresLeader: true }),
        abandoned,
      ),
    );
  }

  /**
   * Runs `attempt`, retrying transient failures with backoff until the policy gives up. An
   * attempt the server does not answer is abandoned when the policy's time is up (NoAnswerError),
   * or at once when the store closes. For a write, any attempt that may have reached the server
   * may have written it, whatever the last one says: the error then says `recorded: 'unknown'`.
   */
  private async retrying<T>(
    operation: string,
    attempt: (abandoned: AbortSignal) => Promise<T>,
    { writes = false } = {},
  ): Promise<T> {
    const started = Date.now();
    let mayHaveWritten = false;
    for (let attempts = 1; ; attempts++) {
      if (this.closing.signal.aborted) throw closedError();
      try {
        // At least a second each: a call refused before it connected fails well within it and
        // says so (recorded false), where one cut short could only say "unknown".
        const left = Math.max(MIN_ATTEMPT_MS, this.retry.giveUpAfterMs - (Date.now() - started));
        return await answerWithin(attempt, left, this.closing.signal);
      } catch (caught) {
        // Some client paths reject with the raw gRPC error; give every caller the typed one.
        const error = caught instanceof Error ? convertToCommandError(caught) : caught;
        if (!isTransient(error)) throw error;
        mayHaveWritten ||= writes && mayHaveReachedServer(error);
        const delay = backoffDelay(attempts, this.retry);
        if (Date.now() - started + delay > this.retry.giveUpAfterMs) {
          throw new EventStoreUnavailableError(
            this.target,
            operation,
            attempts,
            error,
            mayHaveWritten,
          );
        }
        this.logger.warn(
          `EventStoreDB at ${this.target}: ${operation} failed (${describe(error)}); retry ${attempts} in ${delay} ms`,
        );
        await sleep(delay, undefined, { signal: this.closing.signal }).catch(() => undefined);
      }
    }
  }
}

const closedError = () => new Error('The EventStoreDB store is closed.');

/** Reads a stream to its end; `abandoned` cancels it (its call ends, its items are dropped). */
async function drain<E>(read: StreamingRead<E>, abandoned: AbortSignal): Promise<E[]> {
  const cancel = () => void read.cancel();
  abandoned.addEventListener('abort', cancel, { once: true });
  try {
    const items: E[] = [];
    for await (const item of read) items.push(item);
    return items;
  } finally {
    abandoned.removeEventListener('abort', cancel);
  }
}

/**
 * Runs one call, abandoned (NoAnswerError) once it has taken `ms`, or when `closing` aborts: the
 * client sets no deadline on streamed reads and batch appends, so a server that takes a call and
 * stalls would hold it, and whoever waits on it, for as long as it stalls.
 */
async function answerWithin<T>(
  call: (abandoned: AbortSignal) => Promise<T>,
  ms: number,
  closing?: AbortSignal,
): Promise<T> {
  const abandon = new AbortController();
  const work = call(abandon.signal);
  let timer: NodeJS.Timeout | undefined;
  let onClose: () => void = () => undefined;
  const cut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NoAnswerError(ms)), Math.max(1, ms));
    onClose = () => reject(closedError());
    closing?.addEventListener('abort', onClose, { once: true });
  });
  try {
    return await Promise.race([work, cut]);
  } catch (error) {
    abandon.abort();
    // What an abandoned call does later is nobody's business: never an unhandled rejection.
    work.catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
    closing?.removeEventListener('abort', onClose);
  }
}
