import type {
  Projection,
  RecordedEvent,
  SqlRunner,
} from '../../src/platform/projection-engine/projection';
import { AUDIT_COLUMNS, auditEntryOf, GENESIS_HASH, tenantNamesIn } from './audit-entry';

const INSERT = `INSERT INTO audit_log (${AUDIT_COLUMNS.join(', ')})
  VALUES (${AUDIT_COLUMNS.map((column) => `@${column}`).join(', ')})`;

/**
 * Every event with who did it, on whose behalf, when and a one-line summary (R41), each entry
 * hash-chained to the one before it so that an altered or missing row shows (`audit verify`).
 */
export const auditProjection: Projection = {
  name: 'audit',
  version: 5,
  tables: ['audit_log', 'audit_tenant_names'],
  schema: [
    `CREATE TABLE IF NOT EXISTS audit_log (
      position INTEGER PRIMARY KEY,
      event_id TEXT NOT NULL,
      stream_id TEXT NOT NULL,
      revision INTEGER NOT NULL,
      type TEXT NOT NULL,
      occurred_at TEXT NOT NULL,
      actor_user_id TEXT NOT NULL,
      actor_name TEXT NOT NULL,
      actor_tenant_id TEXT NOT NULL,
      actor_tenant_kind TEXT NOT NULL,
      actor_tenant_name TEXT,
      actor_roles TEXT NOT NULL,
      partner_tenant_id TEXT,
      customer_tenant_id TEXT,
      correlation_id TEXT NOT NULL,
      data TEXT NOT NULL,
      summary TEXT NOT NULL,
      hash TEXT NOT NULL
    )`,
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
  db.run(INSERT, { ...auditEntryOf(event, nameOf, previous?.hash ?? GENESIS_HASH) });
}
