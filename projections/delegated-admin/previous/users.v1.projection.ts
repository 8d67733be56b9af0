import type {
  BatchHandler,
  Projection,
  RecordedEvent,
  SqlRunner,
} from '../../../src/platform/projection-engine/projection';

/**
 * users as version 1 wrote it (with when each user was last seen): version 2 keeps it up while it
 * builds, so an instance still running version 1 on the same file reads what it wrote. Delete with
 * `previous` once version 2 is live everywhere.
 */
export const usersV1: Projection = {
  name: 'users',
  version: 1,
  tables: ['users'],
  schema: [
    `CREATE TABLE IF NOT EXISTS users (
      tenant_id TEXT NOT NULL,
      user_id TEXT NOT NULL,
      tenant_kind TEXT NOT NULL,
      name TEXT NOT NULL,
      roles TEXT NOT NULL,
      last_seen_at TEXT NOT NULL,
      last_seen_position INTEGER NOT NULL,
      PRIMARY KEY (tenant_id, user_id)
    )`,
  ],
  handlers: {},
  everyEventOfBatch: usersOfBatch,
  everyEventReads: 'metadata',
};

interface Seen {
  actor: RecordedEvent['metadata']['actor'];
  occurredAt: string;
  position: number;
}

/**
 * A busy user acts many times in one batch: only the last event of each user is written, once, at
 * the batch's end (the same rows as one upsert per event, a fraction of the writes). What is kept
 * is the metadata, not the event: the engine may let go of an event's content once applied.
 */
function usersOfBatch(): BatchHandler {
  const latest = new Map<string, Seen>();
  return {
    event: (event) => {
      const { actor, occurredAt } = event.metadata;
      latest.set(JSON.stringify([actor.tenantId, actor.userId]), {
        actor,
        occurredAt,
        position: event.position,
      });
    },
    end: (db) => latest.forEach((seen) => recordUser(seen, db)),
  };
}

function recordUser({ actor, occurredAt, position }: Seen, db: SqlRunner): void {
  db.run(
    `INSERT INTO users (tenant_id, user_id, tenant_kind, name, roles, last_seen_at, last_seen_position)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (tenant_id, user_id) DO UPDATE SET tenant_kind = excluded.tenant_kind,
       name = excluded.name, roles = excluded.roles, last_seen_at = excluded.last_seen_at,
       last_seen_position = excluded.last_seen_position`,
    [
      actor.tenantId,
      actor.userId,
      actor.tenantKind,
      actor.name,
      JSON.stringify(actor.roles),
      occurredAt,
      position,
    ],
  );
}
