/** Turns one version's data into the next version's. */
type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

export interface TypeSchema {
  /** The version this type is written with now (`EventMetadata.schemaVersion`). */
  version: number;
  /** `upcasters[v]` reads data written as version v as version v + 1. */
  upcasters?: Record<number, Upcaster>;
}

/** Each event type a room records, with its schema: a room's `{ [type]: TypeSchema }` table. */
export type EventSchemas<Event extends { type: string }> = { [Type in Event['type']]: TypeSchema };

/** A stored event as this version reads it: upcast to the current schema, or why it cannot be. */
export type EventReading<Event> =
  | { readable: true; event: Event }
  | { readable: false; reason: 'UNKNOWN_TYPE' | 'UNKNOWN_VERSION' | 'NO_UPCASTER' };

/**
 * Reads stored data written by this or an older version of the product: older schema versions are
 * upcast step by step. A type or version this version does not know (written by a newer one, or by
 * hand) is unreadable: callers skip it, so it never blocks a stream or a projection.
 */
export function readEvent<Event extends { type: string }>(
  schemas: EventSchemas<Event>,
  type: string,
  schemaVersion: number | undefined,
  data: unknown,
): EventReading<Event> {
  if (!Object.hasOwn(schemas, type)) return { readable: false, reason: 'UNKNOWN_TYPE' };
  const schema = (schemas as Record<string, TypeSchema>)[type];
  const written = schemaVersion ?? 1;
  if (!Number.isInteger(written) || written < 1 || written > schema.version) {
    return { readable: false, reason: 'UNKNOWN_VERSION' };
  }
  let current = data as Record<string, unknown>;
  for (let version = written; version < schema.version; version++) {
    const upcast = schema.upcasters?.[version];
    if (!upcast) return { readable: false, reason: 'NO_UPCASTER' };
    current = upcast(current);
  }
  return { readable: true, event: { type, data: current } as unknown as Event };
}
