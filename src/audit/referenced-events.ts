import type { AuditRow } from '../../projections/audit/audit-columns';
import type { EventStore, RecordedEvent } from '../platform/event-store/event-store';
import { historyData } from './stream-history';

/** What an audit row keeps of its event: enough to read it back. */
export type EventReference = Pick<AuditRow, 'position' | 'stream_id' | 'revision'>;

/** Rows this close in position are read as one slice of `$all` (the whole log's newest page). */
const DENSE = 2;
/** Revisions of one stream this close are read in one stream read (an export of one pair). */
const STREAM_GAP = 32;

/**
 * The events the rows reference, by position, in as few reads as the rows allow: one slice of
 * `$all` when their positions are dense, otherwise one read per run of nearby revisions of each
 * stream. An event missing from the store, or not the one the row names, is left out.
 */
export async function referencedEvents(
  store: EventStore,
  rows: readonly EventReference[],
): Promise<Map<number, RecordedEvent>> {
  if (rows.length === 0) return new Map();
  const positions = rows.map((row) => row.position);
  const first = Math.min(...positions);
  const span = Math.max(...positions) - first + 1;
  const events =
    span <= DENSE * rows.length
      ? await store.readAll({ after: first - 1, maxCount: span })
      : (await Promise.all(streamRuns(rows).map((run) => store.readStream(...run)))).flat();
  const wanted = new Map(rows.map((row) => [row.position, row]));
  const found = new Map<number, RecordedEvent>();
  for (const event of events) {
    const row = wanted.get(event.position);
    if (row && row.stream_id === event.streamId && row.revision === event.revision) {
      found.set(event.position, event);
    }
  }
  return found;
}

type StreamRead = [streamId: string, options: { fromRevision: number; maxCount: number }];

function streamRuns(rows: readonly EventReference[]): StreamRead[] {
  const byStream = new Map<string, number[]>();
  for (const row of rows) {
    const revisions = byStream.get(row.stream_id) ?? [];
    revisions.push(row.revision);
    byStream.set(row.stream_id, revisions);
  }
  const reads: StreamRead[] = [];
  for (const [streamId, revisions] of byStream) {
    revisions.sort((a, b) => a - b);
    let start = revisions[0];
    let end = start;
    for (const revision of [...revisions.slice(1), Infinity]) {
      if (revision - end <= STREAM_GAP) {
        end = revision;
        continue;
      }
      reads.push([streamId, { fromRevision: start, maxCount: end - start + 1 }]);
      start = end = revision;
    }
  }
  return reads;
}

/** Why the row's event cannot be shown: gone from the store, or its data not JSON; else null. */
function unreadableEvent(event: RecordedEvent | undefined, row: EventReference): string | null {
  const which = `The event at position ${row.position} (${row.stream_id}, revision ${row.revision}) that this audit entry references`;
  if (!event) return `${which} is not in the event store: run \`audit verify\`.`;
  if (historyData(event) === null && event.malformed !== undefined) {
    return `${which} cannot be read (${event.malformed}): run \`audit verify\`.`;
  }
  return null;
}

/** The row's event, or an error naming the entry whose event is gone or cannot be read. */
export function eventOf(
  events: ReadonlyMap<number, RecordedEvent>,
  row: EventReference,
): RecordedEvent {
  const event = events.get(row.position);
  const unreadable = unreadableEvent(event, row);
  if (unreadable !== null) throw new Error(unreadable);
  return event!;
}

/** An entry's event as the API shows it: its data, or null and why it cannot be read. */
export interface EventContent {
  data: unknown;
  unreadable: string | null;
}

/**
 * For a page of rows: each row's content loader. The first call reads every row's event at once;
 * a page whose query selects neither `data` nor `unreadable` reads nothing.
 */
export function pageDataLoader(
  store: EventStore,
  rows: readonly EventReference[],
): (row: EventReference) => () => Promise<EventContent> {
  let events: Promise<Map<number, RecordedEvent>> | undefined;
  return (row) => () => {
    events ??= referencedEvents(store, rows);
    return events.then((found) => {
      const event = found.get(row.position);
      const unreadable = unreadableEvent(event, row);
      return { data: unreadable === null ? event!.data : null, unreadable };
    });
  };
}
