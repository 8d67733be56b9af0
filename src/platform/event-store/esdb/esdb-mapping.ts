import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  jsonEvent,
  type AppendExpectedRevision,
  type EventData,
  type JSONType,
  type Position,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import type { Actor } from '../../domain/actor';
import type { EventMetadata, ExpectedRevision, NewEvent, RecordedEvent } from '../event-store';
import { isEventMetadata, metadataReason, NO_METADATA } from '../event-metadata';

/**
 * Translation between the port's types and @eventstore/db-client's. Every type of the client
 * library stays inside this folder.
 */

/**
 * The metadata as stored on the server: EventStoreDB's own `$correlationId` and `$causationId`
 * (its system projections, such as `$by_correlation_id`, and its UI read those names), then ours.
 */
interface StoredMetadata {
  $correlationId: string;
  $causationId: string;
  actor: Actor;
  occurredAt: string;
  schemaVersion: number;
}

export function toExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
}

export function toEventData(event: NewEvent): EventData {
  const { correlationId, causationId, actor, occurredAt, schemaVersion } = event.metadata;
  const metadata: StoredMetadata = {
    $correlationId: correlationId,
    $causationId: causationId,
    actor,
    occurredAt,
    schemaVersion,
  };
  // The port's data is any JSON value; the client's type is narrower than what it serialises.
  const data = (event.data ?? null) as JSONType;
  return jsonEvent({ id: event.id, type: event.type, data, metadata });
}

function toMetadata(stored: unknown): EventMetadata {
  const metadata = (isObject(stored) ? stored : {}) as Partial<StoredMetadata>;
  return {
    correlationId: metadata.$correlationId,
    causationId: metadata.$causationId,
    actor: metadata.actor,
    occurredAt: metadata.occurredAt,
    schemaVersion: metadata.schemaVersion,
  } as EventMetadata;
}

/** EventStoreDB's own events: `$`-prefixed types (`$metadata`, `$>`, …) or `$`-prefixed streams. */
export function isSystemEvent(event: { streamId: string; type: string }): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

const METADATA_UNPARSABLE = 'stored JSON cannot be parsed (metadata)';

export function toRecordedEvent(event: EsdbRecordedEvent): RecordedEvent {
  const metadata = toMetadata(event.metadata);
  const metadataMalformed =
    event.metadata instanceof Uint8Array
      ? METADATA_UNPARSABLE
      : isEventMetadata(metadata)
        ? undefined
        : metadataReason(metadata);
  const malformed = malformedReason(event) ?? metadataMalformed;
  return {
    id: event.id,
    streamId: event.streamId,
    type: event.type,
    data: event.data,
    metadata: metadataMalformed ? NO_METADATA : metadata,
    revision: Number(event.revision),
    position: toPosition(event.position, `event ${event.id} in ${event.streamId}`),
    created: event.created,
    ...(malformed ? { malformed } : {}),
    ...(metadataMalformed ? { malformedMetadata: metadataMalformed } : {}),
  };
}

/**
 * The client never throws on stored bytes it cannot parse: it hands back the text as data, or the
 * raw bytes as metadata. Our events are JSON objects with JSON metadata, so either shape means the
 * stored event cannot be read; it is marked as the SQLite store marks it, never thrown on.
 */
function malformedReason(event: EsdbRecordedEvent): string | undefined {
  if (!event.isJson) return 'stored data is not JSON (binary content type)';
  if (typeof event.data === 'string') return 'stored JSON cannot be parsed (data is not an object)';
  return undefined;
}

/** What servers older than 22.6 send as the `$all` position of an event read from a stream. */
const UNKNOWN_POSITION = 2n ** 64n - 1n;

/**
 * The port's `position` (a JS number) is the event's commit position in `$all`. That is safe and
 * unique here:
 * - Every gRPC append is self-committed: each event is its own prepare record, and the server
 *   gives it the position `(commit, prepare) = (record's log position, record's log position)`
 *   (KurrentDB's AllReader: `new CommitEventRecord(eventRecord, prepare.LogPosition)`). So no two
 *   events share a commit position, and commit positions increase in `$all` order. Only events
 *   written in explicit transactions (the legacy TCP client) share one commit position and have
 *   commit ≠ prepare; they are refused below rather than silently mis-ordered.
 * - Positions are byte offsets in the transaction log: 2^53 bytes is 8 PiB of log, far beyond
 *   any store this runs on; a larger one is refused below rather than rounded.
 * - Append reports the position of the batch's last event (the commit acknowledgement is sent
 *   for the record that ends the write), which is what AppendResult.position means.
 */
export function toPosition(position: Position | undefined, what: string): number {
  if (!position || position.commit === UNKNOWN_POSITION) {
    throw new Error(
      `EventStoreDB gave no $all position for ${what}: partner-ledger needs a server that reports positions on stream reads (EventStoreDB 22.10 or later).`,
    );
  }
  if (position.commit !== position.prepare) {
    throw new Error(
      `${what} was written in an explicit transaction (commit ${position.commit}, prepare ${position.prepare}); partner-ledger orders $all by one number and cannot read such events.`,
    );
  }
  if (position.commit > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new Error(`${what} sits at $all position ${position.commit}, beyond 2^53.`);
  }
  return Number(position.commit);
}

/** The client's position for a port position: a record's commit = prepare position. */
export function fromPosition(position: number): Position {
  return { commit: BigInt(position), prepare: BigInt(position) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !(value instanceof Uint8Array);
}
