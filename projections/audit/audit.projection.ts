import type {
  Projection,
  RecordedEvent,
  SqlRunner,
} from '../../src/platform/projection-engine/projection';
import {
  AUDIT_LOG_DDL,
  AUDIT_LOG_INSERT,
  auditEntryOf,
  GENESIS_HASH,
  tenantNamesIn,
} from './audit-entry';

/**
 * Every event with who did it, on whose behalf, when and a one-line summary (R41), each entry
 * hash-chained to the one before it so that an altered or missing row shows (`audit verify`).
 */
export const auditProjection: Projection = {
  name: 'audit',
  version: 5,
  tables: ['audit_log', 'audit_tenant_names'],
  schema: [
    AUDIT_LOG_DDL,
    `CREATE TABLE IF NOT EXISTS audit_tenant_names (
      tenant_id TEXT PRIMARY KEY,
      name TEXT NOT NULL
    )`,
  ],
  queryIndexes: [
    'CREATE INDEX IF NOT EXISTS audit_by_customer ON audit_log (customer_tenant_id, position)',
    'CREATE INDEX IF NOT EXISTS audit_by_partner ON audit_log (partner_tenant_id, position)',
    'CREATE INDEX IF NOT EXISTS audit_by_actor_tenant ON audit_log (actor_tenant_id, position)',
    'CREATE INDEX IF NOT EXISTS audit_by_actor_user ON audit_log (actor_user_id, position)',
    'CREATE INDEX IF NOT EXISTS audit_by_type ON audit_log (type, position)',
    'CREATE INDEX IF NOT EXISTS audit_by_time ON audit_log (occurred_at)',
  ],
  handlers: {},
  everyEvent: recordEvent,
  // A gap would break the hash chain and hide an event from the log: stop, visibly, instead.
  deadLetterPolicy: 'FAIL',
};

function recordEvent(event: RecordedEvent, db: SqlRunner): void {
  const previous = db.get<{ position: number; hash: string }>(
    'SELECT position, hash FROM audit_log WHERE position <= ? ORDER BY position DESC LIMIT 1',
    [event.position],
  );
  if (previous?.position === event.position) return;
  const learnt = new Map(tenantNamesIn(event));
  for (const [tenantId, name] of learnt) {
    db.run(
      `INSERT INTO audit_tenant_names (tenant_id, name) VALUES (?, ?)
       ON CONFLICT (tenant_id) DO UPDATE SET name = excluded.name WHERE name <> excluded.name`,
      [tenantId, name],
    );
  }
  const nameOf = (tenantId: string) =>
    learnt.get(tenantId) ??
    db.get<{ name: string }>('SELECT name FROM audit_tenant_names WHERE tenant_id = ?', [tenantId])
      ?.name ??
    null;
  db.run(AUDIT_LOG_INSERT, { ...auditEntryOf(event, nameOf, previous?.hash ?? GENESIS_HASH) });
}
