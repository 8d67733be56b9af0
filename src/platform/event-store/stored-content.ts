import type { RecordedEvent, StoredText } from './event-store';

/**
 * Parses an event's stored text into it. Text that is not JSON marks the event `malformed`
 * (`data` undefined, `metadata` {}; the data's reason first), never throws: a stored event must
 * not stop a reader.
 */
export function fillContent(event: RecordedEvent, stored: StoredText): void {
  try {
    event.data = JSON.parse(stored.data) as unknown;
  } catch (error) {
    event.malformed = unparsable(error);
  }
  try {
    event.metadata = JSON.parse(stored.metadata) as RecordedEvent['metadata'];
  } catch (error) {
    event.metadata = {} as RecordedEvent['metadata'];
    event.malformed ??= unparsable(error);
  }
}

/** The event with its content parsed, if it was read with `deferContent` (once; then a no-op). */
export function readContent(event: RecordedEvent): RecordedEvent {
  const { stored } = event;
  if (stored !== undefined) {
    event.stored = undefined;
    fillContent(event, stored);
  }
  return event;
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
}
