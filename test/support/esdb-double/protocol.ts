import type { StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';
import * as shared from '@eventstore/db-client/generated/shared_pb';
import { ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { Metadata, status, type ServerErrorResponse } from '@grpc/grpc-js';
import type { StoredEvent } from './log';

/**
 * Message building shared by the double's services. Facts of the wire format it follows:
 * 64-bit numbers are decimal strings (the client's protos use jstype = JS_STRING), stream names
 * are UTF-8 bytes, event ids travel as UUID strings, `created` is .NET ticks since the Unix epoch,
 * and errors are a gRPC status whose trailers carry `exception: <kind>` plus details.
 */

export interface Endpoint {
  address: string;
  port: number;
}

export function streamNameOf(identifier: StreamIdentifier | undefined): string {
  if (!identifier) throw invalidArgument('a stream identifier is required');
  return Buffer.from(identifier.getStreamName_asU8()).toString('utf8');
}

export function streamIdentifier(name: string): StreamIdentifier {
  return new shared.StreamIdentifier().setStreamName(Buffer.from(name, 'utf8'));
}

export function uuidOf(uuid: UUID | undefined): string {
  if (!uuid?.hasString()) throw invalidArgument('the double only accepts UUIDs in string form');
  return uuid.getString();
}

/** An event as Streams/Read sends it, with its `$all` position (servers since 22.6 do so on stream reads too). */
export function readEvent(event: StoredEvent): ReadResp {
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(new shared.UUID().setString(event.id))
    .setStreamIdentifier(streamIdentifier(event.streamId))
    .setStreamRevision(event.revision.toString())
    .setCommitPosition(event.position.toString())
    .setPreparePosition(event.position.toString())
    .setData(event.data)
    .setCustomMetadata(event.customMetadata);
  recorded
    .getMetadataMap()
    .set('type', event.type)
    .set('content-type', event.contentType)
    .set('created', event.created.toString());
  const read = new ReadResp.ReadEvent()
    .setEvent(recorded)
    .setCommitPosition(event.position.toString());
  return new ReadResp().setEvent(read);
}

export function checkpoint(position: bigint): ReadResp {
  return new ReadResp().setCheckpoint(
    new ReadResp.Checkpoint()
      .setCommitPosition(position.toString())
      .setPreparePosition(position.toString()),
  );
}

/** A gRPC error in EventStoreDB's shape: status, message, and `exception` trailers for the client. */
export function serverError(
  code: status,
  details: string,
  exception?: string,
  trailers: Record<string, string> = {},
): ServerErrorResponse {
  const metadata = new Metadata();
  if (exception) metadata.set('exception', exception);
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return Object.assign(new Error(details), { code, details, metadata });
}

export function invalidArgument(details: string): ServerErrorResponse {
  return serverError(status.INVALID_ARGUMENT, details);
}

export function notLeader(leader: Endpoint): ServerErrorResponse {
  return serverError(status.NOT_FOUND, 'Leader info available', 'not-leader', {
    'leader-endpoint-host': leader.address,
    'leader-endpoint-port': String(leader.port),
  });
}

export function unimplemented(what: string): ServerErrorResponse {
  return serverError(status.UNIMPLEMENTED, `The EventStoreDB test double does not emulate ${what}`);
}
