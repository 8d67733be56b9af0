import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DomainEvent, type EventType, schemaVersionOf } from '../../src/events';
import type { Actor } from '../../src/platform/domain/actor';
import type { RecordedEvent } from '../../src/platform/event-store/event-store';
import { recordedDomainEventOf } from '../../src/platform/event-store/unreadable-events';
import {
  applyTyped,
  batchHandlerOf,
  type Projection,
} from '../../src/platform/projection-engine/projection';
import { ReadStore } from '../../src/platform/read-store/read-store';

/**
 * Projection specifications in the style of Emmett's (`given(events).when(events).then(rows)`):
 * the projection runs on a real SQLite read store in a temp dir, fed the events as the engine
 * feeds them (`everyEvent` with the stored event, then the type's handler with the upcast one),
 * each batch in one transaction. `when`'s events are applied twice, at the same positions, and
 * must leave the same rows as once: handlers are idempotent.
 */

/** An event as an older version stored it: its data as written then, read through the upcasters. */
interface StoredEarlier {
  type: EventType;
  data: Record<string, unknown>;
  schemaVersion: number;
}

/** An event as a spec writes it: a literal domain event, with where and when it was recorded. */
export type SpecEvent = (DomainEvent | StoredEarlier) & {
  streamId?: string;
  actor?: Actor;
  occurredAt?: string;
  /** Defaults to the type's current schema version. */
  schemaVersion?: number;
};

/** Rows per table, each table read in insertion order (`rowid`). */
export type Rows = Record<string, Record<string, unknown>[]>;

export const SPEC_ACTOR: Actor = {
  userId: 'ann',
  name: 'Ann',
  tenantId: 'contoso-partners',
  tenantKind: 'partner',
  tenantName: 'Contoso Partners',
  roles: ['AdminAgent'],
};

/** Fabrikam's Global admin, for events the customer's side records. */
export const SPEC_CUSTOMER_ACTOR: Actor = {
  userId: 'fay',
  name: 'Fay',
  tenantId: 'fabrikam',
  tenantKind: 'customer',
  tenantName: 'Fabrikam',
  roles: ['GlobalAdmin'],
};

/** 1 March 2025 09:00 UTC plus `n` minutes. */
export const at = (n: number): string => new Date(Date.UTC(2025, 2, 1, 9, n)).toISOString();

export interface ProjectionSpec {
  given(...history: SpecEvent[]): ProjectionSpec;
  when(...events: SpecEvent[]): { then(expected: Rows): void };
}

/** Starts a spec for `projection`; call `then` inside a jest test. */
export function projectionSpec(projection: Projection): ProjectionSpec {
  const spec = (history: SpecEvent[]): ProjectionSpec => ({
    given: (...more) => spec([...history, ...more]),
    when: (...events) => ({ then: (expected) => run(projection, history, events, expected) }),
  });
  return spec([]);
}

function run(projection: Projection, history: SpecEvent[], events: SpecEvent[], expected: Rows) {
  const dir = mkdtempSync(join(tmpdir(), `projection-spec-${projection.name}-`));
  const store = new ReadStore(join(dir, 'read-models.db'));
  try {
    store.transaction(() => projection.schema.forEach((ddl) => store.db.exec(ddl)));
    const recorded = record([...history, ...events]);
    apply(projection, store, recorded.slice(0, history.length));
    const whenEvents = recorded.slice(history.length);
    apply(projection, store, whenEvents);
    const once = dump(store, projection.tables);
    apply(projection, store, whenEvents);
    expect(dump(store, projection.tables)).toEqual(once);
    expect(pick(once, Object.keys(expected))).toEqual(expected);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The events as the store would have recorded them: positions 1, 2, ... in the order given. */
export function record(events: SpecEvent[]): RecordedEvent[] {
  const revisions = new Map<string, number>();
  return events.map((event, index) => {
    const { type, data, streamId = `spec-${type}`, actor = SPEC_ACTOR } = event;
    const revision = (revisions.get(streamId) ?? -1) + 1;
    revisions.set(streamId, revision);
    const occurredAt = event.occurredAt ?? at(index);
    return {
      id: `00000000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`,
      streamId,
      type,
      data,
      metadata: {
        correlationId: `correlation-${index + 1}`,
        causationId: `correlation-${index + 1}`,
        actor,
        occurredAt,
        schemaVersion: event.schemaVersion ?? schemaVersionOf(type),
      },
      revision,
      position: index + 1,
      created: new Date(occurredAt),
    };
  });
}

function apply(projection: Projection, store: ReadStore, events: RecordedEvent[]): void {
  store.transaction(() => {
    const batch = batchHandlerOf(projection);
    for (const event of events) {
      batch?.event(event, store);
      const readable = recordedDomainEventOf(event);
      if (readable) applyTyped(projection, readable, store);
    }
    batch?.end?.(store);
  });
}

function dump(store: ReadStore, tables: readonly string[]): Rows {
  return Object.fromEntries(
    tables.map((table) => [table, store.all(`SELECT * FROM ${table} ORDER BY rowid`)]),
  );
}

const pick = (rows: Rows, tables: string[]): Rows =>
  Object.fromEntries(tables.map((table) => [table, rows[table]]));
