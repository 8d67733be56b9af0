import { randomUUID } from 'node:crypto';
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty as ProtoEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import { Code } from '@eventstore/db-client/generated/code_pb';
import * as shared from '@eventstore/db-client/generated/shared_pb';
import { Status } from '@eventstore/db-client/generated/status_pb';
import type { IStreamsServer } from '@eventstore/db-client/generated/streams_grpc_pb';
import {
  AppendReq,
  AppendResp,
  BatchAppendReq,
  BatchAppendResp,
  ReadReq,
  ReadResp,
} from '@eventstore/db-client/generated/streams_pb';
import { status, type Metadata, type ServerErrorResponse } from '@grpc/grpc-js';
import type { AppendOutcome, EsdbDoubleLog, Expectation, ProposedEvent, StoredEvent } from './log';
import {
  checkpoint,
  invalidArgument,
  notLeader,
  readEvent,
  serverError,
  streamIdentifier,
  streamNameOf,
  unimplemented,
  uuidOf,
  type Endpoint,
} from './protocol';

export interface StreamsServiceOptions {
  log: EsdbDoubleLog;
  /** The leader's endpoint while this node is a follower; undefined while it leads. */
  leader(): Endpoint | undefined;
  /** Append's wrong-expected-version: in the response (servers since 20.6.1) or as trailers. */
  wrongExpectedVersionAs: 'response' | 'trailers';
  /** Counts each call by method name, so tests can see which path the client took. */
  calls: Record<StreamsMethod, number>;
  /** Counts the `$all` events sent (reads and subscriptions), so tests can see how much a reader replayed. */
  sent?: { allEvents: number };
  /** While true, reads and appends are taken and never answered (a stalled node); nothing is written. */
  silent?: () => boolean;
}

export type StreamsMethod = 'read' | 'append' | 'batchAppend';

/** What the service offers its node besides the RPCs. */
export interface StreamsServiceControl {
  implementation: IStreamsServer;
  /** Ends the live subscriptions that require the leader with `not-leader`, as an election does. */
  dropLeaderOnlySubscriptions(leader: Endpoint): void;
}

/** The server's default filter search window; a filtered subscription checkpoints every window × multiplier events. */
const FILTER_WINDOW = 32;
const { ReadDirection, CountOptionCase } = ReadReq.Options;

/** Streams: Read (reads and subscriptions), Append, BatchAppend. Delete and Tombstone are not emulated. */
export function streamsService({
  log,
  leader,
  wrongExpectedVersionAs,
  calls,
  sent = { allEvents: 0 },
  silent = () => false,
}: StreamsServiceOptions): StreamsServiceControl {
  const requiresLeader = (call: { metadata: Metadata }) =>
    call.metadata.get('requires-leader')[0] === 'true';
  /** A follower answers calls that require the leader with `not-leader` and where the leader is. */
  const refusal = (call: { metadata: Metadata }): ServerErrorResponse | undefined => {
    const current = leader();
    return current && requiresLeader(call) ? notLeader(current) : undefined;
  };
  const leaderOnlySubscriptions = new Set<ReadCall>();

  const implementation: IStreamsServer = {
    read(call) {
      calls.read += 1;
      try {
        const refused = refusal(call);
        if (refused) throw refused;
        const options = call.request.getOptions();
        if (!options) throw invalidArgument('read options are required');
        const subscription = options.getCountOptionCase() === CountOptionCase.SUBSCRIPTION;
        if (!subscription && silent()) return;
        if (subscription) {
          subscribeToAll(log, call, options, sent);
          if (requiresLeader(call)) {
            leaderOnlySubscriptions.add(call);
            call.on('close', () => leaderOnlySubscriptions.delete(call));
          }
          return;
        }
        for (const response of readOnce(log, options, sent)) call.write(response);
        call.end();
      } catch (error) {
        call.emit('error', error);
      }
    },

    append(call, callback) {
      calls.append += 1;
      let options: AppendReq.Options | undefined;
      const events: ProposedEvent[] = [];
      let invalid: ServerErrorResponse | undefined;
      call.on('data', (request: AppendReq) => {
        if (request.hasOptions()) options = request.getOptions();
        const message = request.getProposedMessage();
        try {
          if (message) events.push(proposedEvent(message));
        } catch (error) {
          invalid ??= error as ServerErrorResponse;
        }
      });
      call.on('error', () => undefined);
      call.on('end', () => {
        if (silent()) return;
        try {
          const refused = refusal(call);
          if (refused) throw refused;
          if (invalid) throw invalid;
          if (!options) throw invalidArgument('the first append message must carry options');
          const streamId = streamNameOf(options.getStreamIdentifier());
          const expected = expectationOfAppend(options);
          const outcome = log.append(streamId, expected, events);
          if (!outcome.ok && wrongExpectedVersionAs === 'trailers') {
            throw wrongExpectedVersionTrailers(streamId, expected, outcome.currentRevision);
          }
          callback(null, appendResponse(expected, outcome));
        } catch (error) {
          callback(error as ServerErrorResponse);
        }
      });
    },

    batchAppend(call) {
      calls.batchAppend += 1;
      const refused = refusal(call);
      if (refused) {
        call.emit('error', refused);
        return;
      }
      const pending = new Map<
        string,
        { options?: BatchAppendReq.Options; events: ProposedEvent[] }
      >();
      call.on('data', (request: BatchAppendReq) => {
        if (silent()) return;
        try {
          const correlationId = uuidOf(request.getCorrelationId());
          const batch = pending.get(correlationId) ?? { events: [] };
          batch.options = request.getOptions() ?? batch.options;
          batch.events.push(...request.getProposedMessagesList().map(proposedEvent));
          if (!request.getIsFinal()) {
            pending.set(correlationId, batch);
            return;
          }
          pending.delete(correlationId);
          if (!batch.options) throw invalidArgument('the first batch must carry options');
          const streamId = streamNameOf(batch.options.getStreamIdentifier());
          const expected = expectationOfBatch(batch.options);
          const outcome = log.append(streamId, expected, batch.events);
          call.write(batchAppendResponse(correlationId, streamId, expected, outcome));
        } catch (error) {
          call.emit('error', error);
        }
      });
      call.on('error', () => undefined);
      call.on('end', () => call.end());
    },

    delete(_call, callback) {
      callback(unimplemented('deleting streams'));
    },

    tombstone(_call, callback) {
      callback(unimplemented('tombstoning streams'));
    },
  };

  return {
    implementation,
    dropLeaderOnlySubscriptions(current) {
      for (const call of leaderOnlySubscriptions) call.emit('error', notLeader(current));
      leaderOnlySubscriptions.clear();
    },
  };
}

type ReadCall = Parameters<IStreamsServer['read']>[0];

function readOnce(
  log: EsdbDoubleLog,
  options: ReadReq.Options,
  sent: { allEvents: number },
): ReadResp[] {
  const count = Number(options.getCount());
  const backwards = options.getReadDirection() === ReadDirection.BACKWARDS;
  const streamOptions = options.getStream();
  if (streamOptions) {
    const streamId = streamNameOf(streamOptions.getStreamIdentifier());
    const stream = log.stream(streamId);
    if (!stream) {
      const notFound = new ReadResp.StreamNotFound().setStreamIdentifier(
        streamIdentifier(streamId),
      );
      return [new ReadResp().setStreamNotFound(notFound)];
    }
    const last = stream.length - 1;
    const from = streamOptions.hasStart()
      ? 0
      : streamOptions.hasEnd()
        ? last + (backwards ? 0 : 1)
        : Number(streamOptions.getRevision());
    const events = backwards
      ? stream
          .slice(Math.max(0, Math.min(from, last) - count + 1), Math.min(from, last) + 1)
          .reverse()
      : stream.slice(from, from + count);
    return events.map(readEvent);
  }

  const allOptions = options.getAll();
  if (!allOptions) throw invalidArgument('read either a stream or $all');
  const all = log.all();
  const matches = filterOf(options);
  const position = allOptions.getPosition();
  const found: StoredEvent[] = [];
  if (backwards) {
    // Backwards from a position reads the events before it.
    const from = allOptions.hasStart()
      ? -1
      : position
        ? log.indexAtOrAfter(BigInt(position.getCommitPosition())) - 1
        : all.length - 1;
    for (let index = from; index >= 0 && found.length < count; index--) {
      if (matches(all[index])) found.push(all[index]);
    }
  } else {
    // Forwards from a position includes the event at that position.
    const from = allOptions.hasEnd()
      ? all.length
      : position
        ? log.indexAtOrAfter(BigInt(position.getCommitPosition()))
        : 0;
    for (let index = from; index < all.length && found.length < count; index++) {
      if (matches(all[index])) found.push(all[index]);
    }
  }
  sent.allEvents += found.length;
  return found.map(readEvent);
}

/**
 * A catch-up subscription to `$all`: confirmation, the events after the start position
 * (exclusive), checkpoints for a filtered one, caught-up, then live events until cancelled.
 */
function subscribeToAll(
  log: EsdbDoubleLog,
  call: ReadCall,
  options: ReadReq.Options,
  sent: { allEvents: number },
): void {
  const allOptions = options.getAll();
  if (!allOptions) throw unimplemented('subscriptions to a single stream');
  const filter = options.getFilter();
  const matches = filterOf(options);
  const checkpointEvery = filter
    ? FILTER_WINDOW * Math.max(1, filter.getCheckpointintervalmultiplier())
    : 0;

  const confirmation = new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID());
  call.write(new ReadResp().setConfirmation(confirmation));

  let scanned = 0;
  let stop = (): void => undefined;
  const deliver = (event: StoredEvent): void => {
    if (call.cancelled || call.destroyed) return stop();
    scanned += 1;
    if (matches(event)) {
      sent.allEvents += 1;
      call.write(readEvent(event));
    } else if (checkpointEvery > 0 && scanned % checkpointEvery === 0) {
      call.write(checkpoint(event.position));
    }
  };

  const all = log.all();
  const position = allOptions.getPosition();
  const from = allOptions.hasEnd()
    ? all.length
    : position
      ? log.indexAtOrAfter(BigInt(position.getCommitPosition()) + 1n)
      : 0;
  all.slice(from).forEach(deliver);
  if (checkpointEvery > 0 && all.length > 0) call.write(checkpoint(all[all.length - 1].position));
  call.write(new ReadResp().setCaughtUp(new ReadResp.CaughtUp()));

  stop = log.onRecorded(deliver);
  call.on('cancelled', stop);
  call.on('close', stop);
  call.on('error', stop);
}

function filterOf(options: ReadReq.Options): (event: StoredEvent) => boolean {
  const filter = options.getFilter();
  if (!filter) return () => true;
  const onType = filter.hasEventType();
  const expression = filter.getEventType() ?? filter.getStreamIdentifier();
  if (!expression) throw invalidArgument('a filter needs an expression');
  const regex = expression.getRegex() ? new RegExp(expression.getRegex()) : undefined;
  const prefixes = expression.getPrefixList();
  return (event) => {
    const value = onType ? event.type : event.streamId;
    return regex ? regex.test(value) : prefixes.some((prefix) => value.startsWith(prefix));
  };
}

function proposedEvent(
  message: AppendReq.ProposedMessage | BatchAppendReq.ProposedMessage,
): ProposedEvent {
  const metadata = message.getMetadataMap();
  const type = metadata.get('type');
  const contentType = metadata.get('content-type');
  if (type === undefined || contentType === undefined) {
    throw serverError(
      status.INVALID_ARGUMENT,
      'Required metadata properties are missing',
      'missing-required-metadata-property',
      { 'required-metadata-properties': 'type,content-type' },
    );
  }
  return {
    id: uuidOf(message.getId()),
    type,
    contentType,
    data: message.getData_asU8(),
    customMetadata: message.getCustomMetadata_asU8(),
  };
}

function expectationOfAppend(options: AppendReq.Options): Expectation {
  if (options.hasRevision()) return BigInt(options.getRevision());
  if (options.hasNoStream()) return 'no_stream';
  if (options.hasStreamExists()) return 'stream_exists';
  return 'any';
}

function expectationOfBatch(options: BatchAppendReq.Options): Expectation {
  if (options.hasStreamPosition()) return BigInt(options.getStreamPosition());
  if (options.hasNoStream()) return 'no_stream';
  if (options.hasStreamExists()) return 'stream_exists';
  return 'any';
}

function appendResponse(expected: Expectation, outcome: AppendOutcome): AppendResp {
  if (outcome.ok) {
    const success = new AppendResp.Success();
    if (outcome.currentRevision < 0n) success.setNoStream(new shared.Empty());
    else success.setCurrentRevision(outcome.currentRevision.toString());
    if (outcome.position === undefined) success.setNoPosition(new shared.Empty());
    else {
      success.setPosition(
        new AppendResp.Position()
          .setCommitPosition(outcome.position.toString())
          .setPreparePosition(outcome.position.toString()),
      );
    }
    return new AppendResp().setSuccess(success);
  }
  const wrong = new AppendResp.WrongExpectedVersion();
  if (outcome.currentRevision === 'no_stream') wrong.setCurrentNoStream(new shared.Empty());
  else wrong.setCurrentRevision(outcome.currentRevision.toString());
  if (expected === 'any') wrong.setExpectedAny(new shared.Empty());
  else if (expected === 'no_stream') wrong.setExpectedNoStream(new shared.Empty());
  else if (expected === 'stream_exists') wrong.setExpectedStreamExists(new shared.Empty());
  else wrong.setExpectedRevision(expected.toString());
  return new AppendResp().setWrongExpectedVersion(wrong);
}

/** How servers before 20.6.1 reported a failed Append: trailers with the numeric versions. */
function wrongExpectedVersionTrailers(
  streamId: string,
  expected: Expectation,
  current: bigint | 'no_stream',
): ServerErrorResponse {
  const numeric = { any: '-2', no_stream: '-1', stream_exists: '-4' } as const;
  return serverError(status.UNKNOWN, 'Wrong expected version', 'wrong-expected-version', {
    'stream-name': streamId,
    'expected-version': typeof expected === 'bigint' ? expected.toString() : numeric[expected],
    ...(current === 'no_stream' ? {} : { 'actual-version': current.toString() }),
  });
}

function batchAppendResponse(
  correlationId: string,
  streamId: string,
  expected: Expectation,
  outcome: AppendOutcome,
): BatchAppendResp {
  const response = new BatchAppendResp()
    .setCorrelationId(new shared.UUID().setString(correlationId))
    .setStreamIdentifier(streamIdentifier(streamId));
  if (expected === 'any') response.setAny(new ProtoEmpty());
  else if (expected === 'no_stream') response.setNoStream(new ProtoEmpty());
  else if (expected === 'stream_exists') response.setStreamExists(new ProtoEmpty());
  else response.setStreamPosition(expected.toString());

  if (outcome.ok) {
    const success = new BatchAppendResp.Success();
    if (outcome.currentRevision < 0n) success.setNoStream(new ProtoEmpty());
    else success.setCurrentRevision(outcome.currentRevision.toString());
    if (outcome.position === undefined) success.setNoPosition(new ProtoEmpty());
    else {
      success.setPosition(
        new shared.AllStreamPosition()
          .setCommitPosition(outcome.position.toString())
          .setPreparePosition(outcome.position.toString()),
      );
    }
    return response.setSuccess(success);
  }

  const wrong = new shared.WrongExpectedVersion();
  if (outcome.currentRevision === 'no_stream') wrong.setCurrentNoStream(new ProtoEmpty());
  else wrong.setCurrentStreamRevision(outcome.currentRevision.toString());
  if (expected === 'any') wrong.setExpectedAny(new ProtoEmpty());
  else if (expected === 'no_stream') wrong.setExpectedNoStream(new ProtoEmpty());
  else if (expected === 'stream_exists') wrong.setExpectedStreamExists(new ProtoEmpty());
  else wrong.setExpectedStreamPosition(expected.toString());
  const details = new Any();
  details.pack(wrong.serializeBinary(), 'event_store.client.WrongExpectedVersion');
  return response.setError(
    new Status()
      .setCode(Code.FAILED_PRECONDITION)
      .setMessage('Wrong expected version')
      .setDetails(details),
  );
}
