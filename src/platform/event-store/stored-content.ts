import type { RecordedEvent, StoredText } from './event-store';
import { isEventMetadata, metadataReason, NO_METADATA } from './event-metadata';

/**
 * Parses an event's stored text into it (its metadata only if `readMetadata` has not yet). Text
 * that is not JSON marks the event `malformed` (`data` undefined, `metadata` {}; the data's reason
 * first), and metadata that is not JSON, or not an event's metadata (isEventMetadata), also
 * `malformedMetadata`; never throws: a stored event must not stop a reader.
 */
export function fillContent(event: RecordedEvent, stored: StoredText): void {
  const data = storedData(event, stored);
  if (event.metadata === undefined) fillMetadata(event, stored);
  fillData(event, data);
}

function fillMetadata(event: RecordedEvent, stored: StoredText): void {
  let metadata: unknown;
  try {
    metadata = JSON.parse(stored.metadata);
  } catch (error) {
    markMetadata(event, unparsable(error));
    return;
  }
  if (isEventMetadata(metadata)) event.metadata = metadata;
  else markMetadata(event, metadataReason(metadata));
}

function markMetadata(event: RecordedEvent, reason: string): void {
  event.metadata = NO_METADATA;
  event.malformedMetadata = reason;
  event.malformed = reason;
}

function fillData(event: RecordedEvent, data: string): void {
  try {
    event.data = JSON.parse(data) as unknown;
  } catch (error) {
    // The data's reason first, whichever part was parsed first.
    event.malformed = unparsable(error);
  }
}

/** The event with its content parsed, if it was read with `deferContent` (once; then a no-op). */
export function readContent(event: RecordedEvent): RecordedEvent {
  const { stored } = event;
  if (stored !== undefined) {
    fillContent(event, stored);
    event.stored = undefined;
  }
  return event;
}

/**
 * The event with its metadata parsed, if it was read with `deferContent`; its data stays unparsed
 * (`stored`) until `readContent`. For readers of the metadata alone (`Projection.everyEventReads`).
 */
export function readMetadata(event: RecordedEvent): RecordedEvent {
  if (event.stored !== undefined && event.metadata === undefined) fillMetadata(event, event.stored);
  return event;
}

/** The stored data; a reader that asks for data it said it would not read made a mistake. */
function storedData(event: RecordedEvent, stored: StoredText): string {
  if (stored.data !== null) return stored.data;
  throw new Error(
    `${event.type} at position ${event.position}: its data was not read (ReadAllOptions.dataOfTypes)`,
  );
}

const unparsable = (error: unknown) => `stored JSON cannot be parsed: ${(error as Error).message}`;

/**
 * Puts an event read with `deferContent` back as it was read (`stored` its text, nothing parsed):
 * what was parsed for it can be collected young, and `readContent` parses it again if asked.
 */
export function forgetContent(event: RecordedEvent, stored: StoredText): void {
  event.stored = stored;
  event.data = undefined;
  event.metadata = undefined as unknown as RecordedEvent['metadata'];
  event.malformed = undefined;
  event.malformedMetadata = undefined;
}
