import type { Actor } from '../domain/actor';
import type { UnavailableCause } from '../faults/store-unavailable';

/** What an append expects of the stream before it: the event store's optimistic concurrency. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface EventMetadata {
  correlationId: string;
  causationId: string;
  actor: Actor;
  /** ISO 8601, the business time the command was decided at. */
  occurredAt: string;
  schemaVersion: number;
}

export interface NewEvent<Type extends string = string, Data = unknown> {
  id: string;
  type: Type;
  data: Data;
  metadata: EventMetadata;
}

export interface RecordedEvent<Type extends string = string, Data = unknown> {
  id: string;
  streamId: string;
  type: Type;
  data: Data;
  metadata: EventMetadata;
  /** 0-based position of the event within its stream. */
  revision: number;
  /** Global, strictly increasing order across all streams (`$all`); the first event is > 0. */
  position: number;
  /** When the store recorded the event. */
  created: Date;
  /**
   * Set when the stored text could not be read (not JSON): `data` is then undefined and `metadata`
   * holds what could be read. Nothing can apply such an event; projections dead-letter it.
   */
  malformed?: string;
  /**
   * Set (as well as `malformed`) when the metadata could not be read: poison for every projection
   * the event concerns, where data that cannot be read is poison only for those that read it.
   */
  malformedMetadata?: string;
  /**
   * Its stored text, not parsed yet (`ReadAllOptions.deferContent`): `data` and `metadata` are
   * undefined until `readContent(event)` (stored-content.ts) parses it into them (`readMetadata`
   * parses only the metadata).
   */
  stored?: StoredText;
}

/** An event's `data` and `metadata` as stored: JSON text. */
export interface StoredText {
  /** Null when it was not read (`ReadAllOptions.dataOfTypes`). */
  data: string | null;
  metadata: string;
}

export interface AppendResult {
  /** Revision of the last event appended. */
  nextExpectedRevision: number;
  /** Global position of the last event appended. */
  position: number;
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Inclusive; defaults to the start (forwards) or the end (backwards). */
  fromRevision?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events with a position strictly greater than this. 0 reads from the start. */
  after?: number;
  maxCount: number;
  /**
   * Hands each event back with its stored text unparsed (`stored`), for `readContent` to parse
   * when the event is first needed: a replay into a few read models parses only the events they
   * handle. An adapter that receives events parsed (EventStoreDB) ignores it. A wrapper that reads
   * the events it passes on reads them through `readContent`.
   */
  deferContent?: boolean;
  /**
   * With `deferContent`: the only event types whose data the caller will read. The data of the
   * others may be left unread (`stored.data` null): only `readMetadata` may then be asked of them.
   * For a replay into read models that read only the metadata of most events
   * (`Projection.everyEventReads`). An adapter may read every event's data anyway.
   */
  dataOfTypes?: ReadonlySet<string>;
}

/** The event store port: every adapter behaves the same, as the contract suite proves. */
export interface EventStore {
  /**
   * Appends all events atomically, or none (WrongExpectedRevisionError when the check fails).
   * An empty batch only checks the expectation and answers the stream's current revision
   * (-1 for a stream that does not exist) and the store's head position.
   */
  append(
    streamId: string,
    events: NewEvent[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult>;
  /** An unknown stream reads as []. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** One page of `$all` in global order, without system events; short only where `$all` ends. */
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Position of the newest event, 0 when the store is empty. */
  headPosition(): Promise<number>;
  /**
   * Where positions are dense (the embedded store: 1, 2, 3, … never skipped nor reused), the
   * highest one ever given to an event, so a position with no event shows a removed one. Absent
   * where positions are sparse (EventStoreDB's commit positions).
   */
  positionsIssued?(): Promise<number>;
  /**
   * Calls `listener` (no arguments) after new events may have been appended, by this process or
   * another one on the same store; returns unsubscribe.
   */
  onAppended(listener: () => void): () => void;
  /** State for /health. */
  health(): Promise<EventStoreHealth>;
  close(): Promise<void>;
}

export interface EventStoreHealth {
  kind: 'sqlite' | 'eventstoredb';
  status: 'UP' | 'DOWN';
  detail?: string;
  /** Why it cannot commit, when the environment is the reason (disk full, locked, …). */
  cause?: UnavailableCause;
}

export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** The stream's current revision, or 'no_stream'. */
    readonly actual: number | 'no_stream',
  ) {
    super(
      `Stream ${streamId} is at ${String(actual)}, expected ${String(expected)}: someone changed it first`,
    );
    this.name = 'WrongExpectedRevisionError';
  }
}

export const EVENT_STORE = Symbol('EventStore');
