import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../../src/platform/domain/actor';
import type { EventMetadata, NewEvent } from '../../src/platform/event-store/event-store';

export const testActor: Actor = {
  userId: 'user-test',
  name: 'Test User',
  tenantId: 'tenant-test',
  tenantKind: 'partner',
  tenantName: 'Test Partner',
  roles: ['AdminAgent'],
};

/** A stream name no other test uses: `category-<uuid>`. */
export const newStreamId = (category = 'test'): string => `${category}-${randomUUID()}`;

export function newMetadata(overrides: Partial<EventMetadata> = {}): EventMetadata {
  return {
    correlationId: randomUUID(),
    causationId: randomUUID(),
    actor: testActor,
    occurredAt: new Date().toISOString(),
    schemaVersion: 1,
    ...overrides,
  };
}

/** A NewEvent with a fresh id and test metadata; override any part of it. */
export function newEvent<Type extends string, Data>(
  type: Type,
  data: Data,
  overrides: Partial<Omit<NewEvent<Type, Data>, 'type' | 'data'>> = {},
): NewEvent<Type, Data> {
  return { id: randomUUID(), type, data, metadata: newMetadata(), ...overrides };
}

/** `count` events of `type` whose data carries their index `n`. */
export const newEvents = (count: number, type = 'Counted'): NewEvent<string, { n: number }>[] =>
  Array.from({ length: count }, (_, n) => newEvent(type, { n }));

/**
 * Marks the first stored `type` event in the embedded store `file` as written by a newer version
 * of the product (schema version 99), as a rolled-back upgrade leaves it; its position.
 */
export function markWrittenByNewerVersion(file: string, type: string): number {
  const raw = new Database(file);
  try {
    const { position, metadata } = raw
      .prepare('SELECT position, metadata FROM events WHERE type = ? LIMIT 1')
      .get(type) as { position: number; metadata: string };
    const newer = JSON.stringify({ ...JSON.parse(metadata), schemaVersion: 99 });
    raw.prepare('UPDATE events SET metadata = ? WHERE position = ?').run(newer, position);
    return position;
  } finally {
    raw.close();
  }
}
