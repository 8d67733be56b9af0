import {
  CancelledError,
  NotLeaderError,
  TimeoutError,
  UnavailableError,
  convertToCommandError,
} from '@eventstore/db-client';
import { backoffMs } from '../../common/backoff';
import { StoreUnavailableError } from '../../faults/store-unavailable';

export interface RetryPolicy {
  /** Pause before the first retry (ms); each further pause doubles, up to maxDelayMs. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** An operation still failing for a transient reason after this long (ms) gives up. */
  giveUpAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  firstDelayMs: 100,
  maxDelayMs: 5_000,
  giveUpAfterMs: 30_000,
};

/** Where the adapter reports what it retries, so operators see why a call is slow. */
export interface EsdbLogger {
  log(message: string): void;
  warn(message: string): void;
}

/**
 * EventStoreDB stayed unreachable (or leaderless) for longer than the retry policy allows: an
 * environment fault, answered as `UNAVAILABLE` (cause `UNREACHABLE`) like a full disk. `recorded`
 * is false only when no attempt of a write can have reached the server (`mayHaveWritten`).
 */
export class EventStoreUnavailableError extends StoreUnavailableError {
  constructor(
    readonly target: string,
    readonly operation: string,
    readonly attempts: number,
    override readonly cause: unknown,
    mayHaveWritten: boolean,
  ) {
    super(
      'UNREACHABLE',
      `${operation} failed ${attempts} times`,
      mayHaveWritten ? 'unknown' : false,
    );
    this.message =
      `EventStoreDB at ${target} is unavailable: ${operation} failed ${attempts} times (last: ${describe(cause)}). ` +
      'Check that the server (or a cluster leader) is running and that EVENTSTORE_URL points at it.';
    this.name = 'EventStoreUnavailableError';
  }
}

/**
 * A call the server took and did not answer within the time the retry policy had left (the client
 * sets no deadline on streamed reads or batch appends): transient, and a write may have landed.
 */
export class NoAnswerError extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'NoAnswerError';
  }
}

/** gRPC's words for a call that never left the client: no channel, refused, no such host. */
const NEVER_SENT =
  /No connection established|ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|Name resolution failed/i;

/**
 * Whether a failed call may have reached the server, so that a write may have landed: a timeout,
 * a cancellation or a connection dropped during the call may; a call refused before it had a
 * connection, a node that is not the leader, or a failed discovery may not.
 */
export function mayHaveReachedServer(error: unknown): boolean {
  if (error instanceof NoAnswerError) return true;
  if (error instanceof Error) error = convertToCommandError(error);
  if (error instanceof TimeoutError || error instanceof CancelledError) return true;
  if (error instanceof UnavailableError) return !NEVER_SENT.test(describe(error));
  return false;
}

/**
 * Errors worth retrying: the server is down or not ready (UNAVAILABLE; the client then opens a new
 * channel), or took a call and did not answer it in time, this node is not the leader (the client then connects to the leader it names), the
 * server cancelled the call (shutting down), a commit timed out, or cluster discovery found no
 * node. Retrying an append is safe: EventStoreDB treats a re-sent batch with the same event ids
 * and expected revision as already written (idempotent append).
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof NoAnswerError) return true;
  if (error instanceof Error) error = convertToCommandError(error);
  return (
    error instanceof UnavailableError ||
    error instanceof NotLeaderError ||
    error instanceof CancelledError ||
    error instanceof TimeoutError ||
    (error instanceof Error && /^Failed to discover after \d+ attempts/.test(error.message))
  );
}

/** Exponential backoff with ±20 % jitter, so many clients do not retry in lockstep. */
export function backoffDelay(attempt: number, policy: RetryPolicy): number {
  const exponential = backoffMs(attempt, policy.firstDelayMs, policy.maxDelayMs);
  return Math.round(exponential * (0.8 + Math.random() * 0.4));
}

export function describe(error: unknown): string {
  if (error instanceof Error) error = convertToCommandError(error);
  if (error instanceof NotLeaderError) {
    return `not the leader (leader is ${error.leader.address}:${error.leader.port})`;
  }
  return error instanceof Error ? error.message || error.name : String(error);
}
