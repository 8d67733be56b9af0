import { randomUUID } from 'node:crypto';

/**
 * The double's storage: one in-memory transaction log (`$all`) and an index of streams. It knows
 * nothing about gRPC; the services translate requests into calls on it. Keep an instance to carry
 * data across `EsdbDouble.stop()`/`start()`, or share one between two doubles to make a "cluster".
 */

/** Where a record sits in the log: EventStoreDB's (commit, prepare) pair of byte offsets. */
export interface LogPosition {
  commit: bigint;
  prepare: bigint;
}

export interface StoredEvent {
  id: string;
  streamId: string;
  revision: bigint;
  type: string;
  contentType: string;
  data: Uint8Array;
  customMetadata: Uint8Array;
  /** .NET ticks (100 ns) since the Unix epoch, as the server sends `created`. */
  created: bigint;
  /** Commit = prepare: every gRPC append is self-committed, so each event has its own position. */
  position: bigint;
}

export interface ProposedEvent {
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  customMetadata: Uint8Array;
}

export type Expectation = 'any' | 'no_stream' | 'stream_exists' | bigint;

export type AppendOutcome =
  | { ok: true; currentRevision: bigint; position: bigint | undefined }
  | { ok: false; currentRevision: bigint | 'no_stream' };

/** How a record in the log is sized: a fixed header plus its variable parts, like a prepare record. */
const RECORD_HEADER_BYTES = 87n;
const TICKS_PER_MS = 10_000n;

export class EsdbDoubleLog {
  private readonly events: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly listeners = new Set<(event: StoredEvent) => void>();
  private nextPosition = 0n;
  private clientAppends = 0;

  /**
   * @param systemEventEvery after every n client appends, record a `$statsCollected` event in a
   *   `$stats-…` stream, as a real node's statistics do (0 = never). A fresh log also starts with a
   *   `$settings` system event, as a new database does.
   */
  constructor(private readonly systemEventEvery = 0) {
    this.record('$settings', '$settings', { $userStreamAcl: { $r: '$all' } });
  }

  /** Appends atomically when the expectation holds; the server's optimistic concurrency check. */
  append(streamId: string, expected: Expectation, proposed: ProposedEvent[]): AppendOutcome {
    const stream = this.streams.get(streamId);
    const current = stream ? BigInt(stream.length - 1) : undefined;
    const holds =
      expected === 'any' ||
      (expected === 'no_stream' && current === undefined) ||
      (expected === 'stream_exists' && current !== undefined) ||
      expected === current;
    if (!holds) return { ok: false, currentRevision: current ?? 'no_stream' };
    if (proposed.length === 0) {
      return { ok: true, currentRevision: current ?? -1n, position: undefined };
    }

    const created = BigInt(Date.now()) * TICKS_PER_MS;
    const recorded = proposed.map((event) => this.store({ ...event, streamId, created }));
    this.clientAppends += 1;
    if (this.systemEventEvery > 0 && this.clientAppends % this.systemEventEvery === 0) {
      this.record('$stats-127.0.0.1:2113', '$statsCollected', { 'proc-id': process.pid });
    }
    const last = recorded[recorded.length - 1];
    return { ok: true, currentRevision: last.revision, position: last.position };
  }

  /** A stream's events, or undefined when the stream does not exist. */
  stream(streamId: string): readonly StoredEvent[] | undefined {
    return this.streams.get(streamId);
  }

  /** Every event in `$all` order (system events included, as the server stores them). */
  all(): readonly StoredEvent[] {
    return this.events;
  }

  /** Index of the first event at or after `position`. */
  indexAtOrAfter(position: bigint): number {
    let low = 0;
    let high = this.events.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.events[middle].position < position) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Calls `listener` with every event recorded from now on, in order; returns unsubscribe. */
  onRecorded(listener: (event: StoredEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Records a system event (a `$`-stream, a `$`-type), as the server's own subsystems do. */
  record(streamId: string, type: string, data: unknown): StoredEvent {
    return this.store({
      id: randomUUID(),
      streamId,
      type,
      contentType: 'application/json',
      data: Buffer.from(JSON.stringify(data)),
      customMetadata: new Uint8Array(),
      created: BigInt(Date.now()) * TICKS_PER_MS,
    });
  }

  private store(event: Omit<StoredEvent, 'revision' | 'position'>): StoredEvent {
    const stream = this.streams.get(event.streamId) ?? [];
    this.streams.set(event.streamId, stream);
    const stored: StoredEvent = {
      ...event,
      revision: BigInt(stream.length),
      position: this.nextPosition,
    };
    this.nextPosition +=
      RECORD_HEADER_BYTES +
      BigInt(
        Buffer.byteLength(event.streamId) +
          Buffer.byteLength(event.type) +
          event.data.length +
          event.customMetadata.length,
      );
    stream.push(stored);
    this.events.push(stored);
    this.listeners.forEach((listener) => listener(stored));
    return stored;
  }
}
