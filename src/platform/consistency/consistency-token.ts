import { AsyncLocalStorage } from 'node:async_hooks';
import type { Actor } from '../domain/actor';
import type { PreviousVersion } from '../projection-engine/projector';
import type { CallerWrites } from './caller-writes';

/**
 * The consistency token: the `$all` position a request's mutations wrote up to (their last event,
 * follow-ups included), as a decimal string. Every instance on one event store shares positions,
 * so any instance can wait until its read models have applied it. Clients treat it as opaque.
 */
export const CONSISTENCY_TOKEN_HEADER = 'consistency-token';
/** The same token in the answer's top-level `extensions`. */
export const CONSISTENCY_TOKEN_EXTENSION = 'consistencyToken';
/**
 * In an answer that read a read model as a previous version left it (while a new version is built
 * beside it): `[{ readModel, version, position }]`, so the caller sees it may be behind.
 */
export const PREVIOUS_VERSIONS_EXTENSION = 'previousVersions';

/** As formatConsistencyToken writes a position: decimal, no leading zero (`01` was never given out). */
const TOKEN_FORMAT = /^(0|[1-9][0-9]{0,15})$/;

export const formatConsistencyToken = (position: number): string => String(position);

/** The position a token names, or null when it is not a token this server issues. */
export function parseConsistencyToken(token: string): number | null {
  if (!TOKEN_FORMAT.test(token)) return null;
  const position = Number(token);
  return Number.isSafeInteger(position) ? position : null;
}

/**
 * What one HTTP request has recorded so far (the highest position its commands wrote), and the
 * position its caller had recorded before it: the request's reads wait until the read models they
 * read have applied the higher of the two (ReadSide.ready).
 */
export interface RecordedPosition {
  position: number;
  /** The verified caller, and the position it had recorded through this instance before. */
  caller?: { tenantId: string; userId: string };
  callerWrote?: number;
  /** How many reads of this request named read models to wait for (ReadSide.ready). */
  reads?: number;
  /** Read models this request read as a previous version left them (a new one is being built). */
  previousVersions?: Map<string, PreviousVersion>;
  /** Every read model this request read (ReadSide.ready): still serving when it is answered? */
  readModels?: Set<string>;
}

/** Per HTTP request, across the awaits of GraphQL's pipeline (set by the token middleware). */
export const recordedPosition = new AsyncLocalStorage<RecordedPosition>();

/**
 * Runs `work` as one request of `actor` (over HTTP or graphql-ws): nothing recorded yet, and its
 * reads wait for what the caller last wrote through this instance.
 */
export function asRequestOf<T>(
  actor: Pick<Actor, 'tenantId' | 'userId'> | undefined,
  callerWrites: Pick<CallerWrites, 'lastOf'>,
  work: () => T,
): T {
  const caller = actor && { tenantId: actor.tenantId, userId: actor.userId };
  const scope = caller ? { caller, callerWrote: callerWrites.lastOf(caller) } : {};
  return recordedPosition.run({ position: 0, ...scope }, work);
}

/**
 * Notes that the current request's command wrote up to `position` (no-op outside a request);
 * answers the request's verified caller, if any.
 */
export function noteRecordedPosition(position: number): RecordedPosition['caller'] {
  const recorded = recordedPosition.getStore();
  if (recorded && position > recorded.position) recorded.position = position;
  return recorded?.caller;
}

/**
 * The position the current request's reads must see (its own writes and its caller's earlier
 * ones); counts the read, so a mutation can tell whether its answer read any read model.
 */
export function readAfterPosition(): number {
  const recorded = recordedPosition.getStore();
  if (!recorded) return 0;
  recorded.reads = (recorded.reads ?? 0) + 1;
  return Math.max(recorded.position, recorded.callerWrote ?? 0);
}

/** Notes read models the current request read from a previous version (no-op outside a request). */
export function notePreviousVersions(read: readonly PreviousVersion[]): void {
  const recorded = recordedPosition.getStore();
  if (!recorded || read.length === 0) return;
  recorded.previousVersions ??= new Map();
  for (const previous of read) recorded.previousVersions.set(previous.readModel, previous);
}

/** Notes read models the current request reads (no-op outside a request). */
export function noteReadModels(names: readonly string[]): void {
  const recorded = recordedPosition.getStore();
  if (!recorded || names.length === 0) return;
  recorded.readModels ??= new Set();
  for (const name of names) recorded.readModels.add(name);
}

/** Whether the current request read a read model as a previous version left it (maybe behind). */
export const readPreviousVersions = (): boolean =>
  (recordedPosition.getStore()?.previousVersions?.size ?? 0) > 0;

/** How many reads the current request has made so far (undefined outside a request). */
export const readsSoFar = (): number | undefined => {
  const recorded = recordedPosition.getStore();
  return recorded && (recorded.reads ?? 0);
};
