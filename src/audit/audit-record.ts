import type { AuditRow } from '../../projections/audit/audit-entry';

/** An audit entry as the API and the archives spell it (AuditEntry in API.md). */
export interface AuditRecord {
  position: number;
  occurredAt: string;
  type: string;
  streamId: string;
  eventId: string;
  revision: number;
  actor: {
    userId: string;
    name: string;
    tenantId: string;
    tenantKind: string;
    tenantName: string | null;
    roles: string[];
  };
  partnerTenantId: string | null;
  customerTenantId: string | null;
  correlationId: string;
  summary: string;
  data: unknown;
  hash: string;
}

export function auditRecordOf(row: AuditRow): AuditRecord {
  return {
    position: row.position,
    occurredAt: row.occurred_at,
    type: row.type,
    streamId: row.stream_id,
    eventId: row.event_id,
    revision: row.revision,
    actor: {
      userId: row.actor_user_id,
      name: row.actor_name,
      tenantId: row.actor_tenant_id,
      tenantKind: row.actor_tenant_kind,
      tenantName: row.actor_tenant_name,
      roles: JSON.parse(row.actor_roles) as string[],
    },
    partnerTenantId: row.partner_tenant_id,
    customerTenantId: row.customer_tenant_id,
    correlationId: row.correlation_id,
    summary: row.summary,
    data: JSON.parse(row.data) as unknown,
    hash: row.hash,
  };
}
