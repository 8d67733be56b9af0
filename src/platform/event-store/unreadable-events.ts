import type { EventReading } from '../domain/event-evolution';
import { type DomainEvent, readDomainEvent, type Recorded } from '../../events';
import type { RecordedEvent } from './event-store';

type Reason = Extract<EventReading<DomainEvent>, { readable: false }>['reason'] | 'MALFORMED';

/**
 * Stored events this version cannot read (a newer version wrote them, or someone by hand): each is
 * skipped wherever it is met, counted, and warned about once per type and version.
 */
class UnreadableEvents {
  private readonly counts = new Map<string, number>();

  report(event: RecordedEvent, reason: Reason): void {
    const key = `${event.type}@${String(event.metadata?.schemaVersion)}`;
    const seen = this.counts.get(key) ?? 0;
    this.counts.set(key, seen + 1);
    if (seen > 0) return;
    // A process warning, not Nest's logger: the CLI and the projection worker load no Nest.
    process.emitWarning(
      `skipping ${event.type} (schema version ${String(event.metadata?.schemaVersion)}, ${reason}) at position ${event.position} of ${event.streamId}: this version of partner-ledger cannot read it; later ones are skipped silently and counted`,
      { code: 'PARTNER_LEDGER_UNREADABLE_EVENT' },
    );
  }

  /** How many unreadable events were skipped, by `type@schemaVersion` (for metrics and tests). */
  tally(): ReadonlyMap<string, number> {
    return this.counts;
  }
}

export const unreadableEvents = new UnreadableEvents();

/**
 * The recorded event as this version reads it (upcast), or undefined when it must be skipped; an
 * event whose stored text or data cannot be read (malformed JSON, an upcaster that throws on bad
 * data) is skipped and counted too, never thrown: it must not stop a command or a follow-up.
 */
export function domainEventOf(recorded: RecordedEvent): DomainEvent | undefined {
  try {
    return readOrThrow(recorded);
  } catch {
    unreadableEvents.report(recorded, 'MALFORMED');
    return undefined;
  }
}

/**
 * The recorded event with its data as this version reads it (upcast), typed by its type; undefined
 * when it must be skipped.
 */
export function recordedDomainEventOf(recorded: RecordedEvent): Recorded | undefined {
  return typedRecorded(recorded, domainEventOf(recorded));
}

/**
 * Like recordedDomainEventOf, but throws when the event cannot be read (malformed, bad data): the
 * projections dead-letter such an event rather than skip it unseen.
 */
export function recordedDomainEventOrThrow(recorded: RecordedEvent): Recorded | undefined {
  return typedRecorded(recorded, readOrThrow(recorded));
}

function readOrThrow(recorded: RecordedEvent): DomainEvent | undefined {
  if (recorded.malformed) throw new Error(recorded.malformed);
  const reading = readDomainEvent(recorded.type, recorded.metadata?.schemaVersion, recorded.data);
  if (reading.readable) return reading.event;
  unreadableEvents.report(recorded, reading.reason);
  return undefined;
}

function typedRecorded(recorded: RecordedEvent, current: DomainEvent | undefined) {
  if (!current) return undefined;
  // Written with the current schema: the stored event is already what this version reads (no copy).
  if (current.data === recorded.data && current.type === recorded.type) return recorded as Recorded;
  // Type and data come from one DomainEvent; TypeScript cannot see they stay paired in the spread.
  return { ...recorded, type: current.type, data: current.data } as Recorded;
}
