import type {
  BatchHandler,
  Projection,
  RecordedEvent,
  SqlRunner,
} from '../../src/platform/projection-engine/projection';
import { LISTED_DIRECTORY_ROLES } from '../../src/delegated-admin/domain/page-access';
import { usersV1 } from './previous/users.v1.projection';
import { holdsRole } from './users.queries';

type Actor = RecordedEvent['metadata']['actor'];

/**
 * Every user who caused an event, with the roles their token last presented: answers
 * effectiveAccess for a partner user (R40) and who holds which role in a customer's directory (R11).
 * Version 2 no longer keeps when each user was last seen (no query read it): a user's row changes
 * only when their kind, name or roles do, so a replay rewrites few rows.
 */
export const usersProjection: Projection = {
  name: 'users',
  version: 2,
  tables: ['users'],
  schema: [
    `CREATE TABLE IF NOT EXISTS users (
      tenant_id TEXT NOT NULL,
      user_id TEXT NOT NULL,
      tenant_kind TEXT NOT NULL,
      name TEXT NOT NULL,
      roles TEXT NOT NULL,
      PRIMARY KEY (tenant_id, user_id)
    )`,
  ],
  // One per listed directory role, holding only its members, in the listing's order (R11).
  queryIndexes: LISTED_DIRECTORY_ROLES.map(
    ({ tokenRole }) =>
      `CREATE INDEX IF NOT EXISTS users_holding_${tokenRole.toLowerCase()} ON users (tenant_id, name, user_id) WHERE ${holdsRole(tokenRole)}`,
  ),
  handlers: {},
  everyEventOfBatch: usersOfBatch,
  everyEventReads: 'metadata',
  previous: usersV1,
};

/**
 * A busy user acts many times in one batch: only the last event of each user is written, once, at
 * the batch's end (the same rows as one upsert per event, a fraction of the writes). What is kept
 * is the metadata, not the event: the engine may let go of an event's content once applied.
 */
function usersOfBatch(): BatchHandler {
  // By tenant, then user: no key string built per event (JSON.stringify([tenant, user]) took
  // 80 ms per 200,000 events, these maps 18).
  const latest = new Map<string, Map<string, Actor>>();
  return {
    event: (event) => {
      const { actor } = event.metadata;
      let ofTenant = latest.get(actor.tenantId);
      if (!ofTenant) latest.set(actor.tenantId, (ofTenant = new Map<string, Actor>()));
      ofTenant.set(actor.userId, actor);
    },
    end: (db) => latest.forEach((ofTenant) => ofTenant.forEach((actor) => recordUser(actor, db))),
  };
}

/** Leaves a row that already says the same untouched: no page rewritten, no log written for it. */
function recordUser(actor: Actor, db: SqlRunner): void {
  db.run(
    `INSERT INTO users (tenant_id, user_id, tenant_kind, name, roles) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (tenant_id, user_id) DO UPDATE SET tenant_kind = excluded.tenant_kind,
       name = excluded.name, roles = excluded.roles
     WHERE tenant_kind IS NOT excluded.tenant_kind OR name IS NOT excluded.name
       OR roles IS NOT excluded.roles`,
    [actor.tenantId, actor.userId, actor.tenantKind, actor.name, JSON.stringify(actor.roles)],
  );
}
