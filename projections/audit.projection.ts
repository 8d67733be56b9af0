import type { Projection, RecordedEvent, SqlRunner } from '../src/projection-engine/projection';
import { tenantsOf } from './event-fields';

/** Every event with who did it, on whose behalf and when (R41). */
export const auditProjection: Projection = {
  name: 'audit',
  version: 1,
  tables: ['audit_log'],
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
      actor_roles TEXT NOT NULL,
      partner_tenant_id TEXT,
      customer_tenant_id TEXT,
      correlation_id TEXT NOT NULL,
      data TEXT NOT NULL
    )`,
    'CREATE INDEX IF NOT EXISTS audit_by_customer ON audit_log (customer_tenant_id, position)',
    'CREATE INDEX IF NOT EXISTS audit_by_actor_tenant ON audit_log (actor_tenant_id, position)',
  ],
  handlers: {},
  everyEvent: recordEvent,
};

function recordEvent(event: RecordedEvent, db: SqlRunner): void {
  const { actor, occurredAt, correlationId } = event.metadata;
  const tenants = tenantsOf(event);
  db.run(
    `INSERT INTO audit_log (position, event_id, stream_id, revision, type, occurred_at, actor_user_id,
       actor_name, actor_tenant_id, actor_tenant_kind, actor_roles, partner_tenant_id, customer_tenant_id,
       correlation_id, data)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (position) DO NOTHING`,
    [
      event.position,
      event.id,
      event.streamId,
      event.revision,
      event.type,
      occurredAt,
      actor.userId,
      actor.name,
      actor.tenantId,
      actor.tenantKind,
      JSON.stringify(actor.roles),
      tenants.partnerTenantId,
      tenants.customerTenantId,
      correlationId,
      JSON.stringify(event.data),
    ],
  );
}
