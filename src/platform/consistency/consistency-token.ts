import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The consistency token: the `$all` position a request's mutations wrote up to (their last event,
 * follow-ups included), as a decimal string. Every instance on one event store shares positions,
 * so any instance can wait until its read models have applied it. Clients treat it as opaque.
 */
export const CONSISTENCY_TOKEN_HEADER = 'consistency-token';
/** The same token in the answer's top-level `extensions`. */
export const CONSISTENCY_TOKEN_EXTENSION = 'consistencyToken';

const TOKEN_FORMAT = /^[0-9]{1,16}$/;

export const formatConsistencyToken = (position: number): string => String(position);

/** The position a token names, or null when it is not a token this server issues. */
export function parseConsistencyToken(token: string): number | null {
  if (!TOKEN_FORMAT.test(token)) return null;
  const position = Number(token);
  return Number.isSafeInteger(position) ? position : null;
}

/** What one HTTP request has recorded so far: the highest position its commands wrote. */
export interface RecordedPosition {
  position: number;
}

/** Per HTTP request, across the awaits of GraphQL's pipeline (set by the token middleware). */
export const recordedPosition = new AsyncLocalStorage<RecordedPosition>();

/** Notes that the current request's command wrote up to `position` (no-op outside a request). */
export function noteRecordedPosition(position: number): void {
  const recorded = recordedPosition.getStore();
  if (recorded && position > recorded.position) recorded.position = position;
}
