import { GraphQLError } from 'graphql';
import type { StreamFolder } from '../platform/capability';
import { invalidInput } from '../platform/domain/domain-error';
import type { EventStore, RecordedEvent } from '../platform/event-store/event-store';
import { partiesOf } from '../../projections/audit/audit-entry';
import type { StreamParties } from './domain/audit-visibility';
import type { PartnerAccessRevocationStarted } from '../platform/domain/revocation-fences';
import { domainEventOf } from '../platform/event-store/unreadable-events';
import { toJsonState } from './state-json';

const FENCE_EVENT: PartnerAccessRevocationStarted['type'] = 'PartnerAccessRevocationStarted';

/** Which events of a stream one `history` answer holds: from a revision, at most so many. */
export interface HistoryWindow {
  fromRevision: number;
  /** Null: to the stream's end, as far as the answer's size allows. */
  maxCount: number | null;
}

/** The most events one `history` answer holds when the caller says how many. */
export const HISTORY_MAX_COUNT = 1_000;

/** Events read from the store at a time: a long stream is never held whole. */
const CHUNK = 200;

/** One event of the window, with the aggregate's state after it (as history shows it). */
export interface HistoryItem {
  event: RecordedEvent;
  parties: StreamParties;
  stateAfter: unknown;
  /** An event up to this one was another tenant's (`isAnotherTenants`): the state holds its part. */
  afterAnotherTenants: boolean;
}

/**
 * Whose stream an event makes it, for who may read it: a fence a customer's revocation wrote into
 * its own stream (its Autopilot registry, a pair's service requests) is the customer's, not the
 * fenced partner's, which may read the stream only through events of its own.
 */
const readerOf = (event: RecordedEvent, parties: StreamParties): StreamParties =>
  event.type === FENCE_EVENT
    ? { partnerTenantId: null, customerTenantId: parties.customerTenantId }
    : parties;

/** The window asked for, checked: INVALID_INPUT for a negative revision or a count out of range. */
export function historyWindow(
  fromRevision?: number | null,
  maxCount?: number | null,
): HistoryWindow {
  if (fromRevision != null && fromRevision < 0) {
    throw invalidInput('fromRevision is a revision of the stream: 0 or more.');
  }
  if (maxCount != null && (maxCount < 1 || maxCount > HISTORY_MAX_COUNT)) {
    throw invalidInput(`maxCount is 1 to ${HISTORY_MAX_COUNT} events.`);
  }
  return { fromRevision: fromRevision ?? 0, maxCount: maxCount ?? null };
}

const tooLarge = (streamId: string, window: HistoryWindow, revision: number, max: number) =>
  new GraphQLError(
    `The history of ${streamId} from revision ${window.fromRevision} passes ${max} bytes (GRAPHQL_MAX_RESPONSE_BYTES, shared by the operation's history, effectiveAccess and partnerRelationships fields) at revision ${revision}: ask with maxCount for fewer events, then from the revision after the last one answered.`,
    { extensions: { code: 'RESPONSE_TOO_LARGE', max, revision } },
  );

/**
 * R43: the window's events in order, each with the state after it (and whether an event up to it
 * was `anotherTenants'`), and the readers of every event up to its end, once each (what decides
 * who may read the stream, R42: readerOf). The stream is read in
 * chunks and folded from its start, since each state needs every event before it; the window's
 * events and states are measured as they are built, and an answer that would pass `maxBytes` is
 * refused (RESPONSE_TOO_LARGE) as soon as it does, so no stream is held or answered whole. Only to
 * a caller `mayRead` lets read the stream, though (R17): for another, past the limit only the
 * readers are still gathered, and the answer holds no event (the caller refuses it as for no stream).
 */
export async function readHistory(
  store: EventStore,
  streamId: string,
  window: HistoryWindow,
  decider: StreamFolder | undefined,
  maxBytes: number,
  anotherTenants: (parties: StreamParties) => boolean = () => false,
  mayRead: (readers: StreamParties[]) => boolean = () => true,
): Promise<{ items: HistoryItem[]; readers: StreamParties[] }> {
  const items: HistoryItem[] = [];
  const readers = new Map<string, StreamParties>();
  let afterAnotherTenants = false;
  const end = window.maxCount === null ? Infinity : window.fromRevision + window.maxCount;
  let state = decider?.initialState;
  let bytes = 0;
  let passedAt: number | null = null;
  for (let next = 0; next < end; next += CHUNK) {
    const chunk = await store.readStream(streamId, {
      fromRevision: next,
      maxCount: Math.min(CHUNK, end - next),
    });
    for (const event of chunk) {
      const ofEvent = partiesOf(event);
      const reader = readerOf(event, ofEvent);
      readers.set(`${reader.partnerTenantId} ${reader.customerTenantId}`, reader);
      if (passedAt !== null) continue;
      // An event this version cannot read is listed as stored and leaves the state as it was.
      const readable = domainEventOf(event);
      if (decider && readable) state = decider.evolve(state, readable);
      afterAnotherTenants ||= anotherTenants(ofEvent);
      if (event.revision < window.fromRevision) continue;
      const stateAfter = decider
        ? toJsonState(decider.viewAfter?.(state, readable) ?? state)
        : null;
      bytes += jsonLength(event.data) + jsonLength(stateAfter);
      if (bytes > maxBytes) {
        if (mayRead([...readers.values()])) {
          throw tooLarge(streamId, window, event.revision, maxBytes);
        }
        passedAt = event.revision;
        items.length = 0;
        continue;
      }
      items.push({ event, parties: ofEvent, stateAfter, afterAnotherTenants });
    }
    if (chunk.length < CHUNK) break;
  }
  const all = [...readers.values()];
  if (passedAt !== null && mayRead(all)) throw tooLarge(streamId, window, passedAt, maxBytes);
  return { items, readers: all };
}

/**
 * The event's data as history shows it: null when the data is what cannot be read, whichever store
 * read it (SQLite leaves it undefined, EventStoreDB hands such data back as its text).
 */
export const historyData = (event: RecordedEvent): unknown =>
  event.malformed !== undefined && event.malformed !== event.malformedMetadata
    ? null
    : (event.data ?? null);

const jsonLength = (value: unknown): number => JSON.stringify(value)?.length ?? 0;
