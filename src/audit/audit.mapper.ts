import { auditRecordOf } from './audit-record';
import type { AuditFacts } from './domain/audit-visibility';
import type { AuditRow } from '../../projections/audit/audit.queries';
import type { AuditEntry } from './audit.types';

export const auditFactsOf = (row: AuditRow): AuditFacts => ({
  type: row.type,
  occurredAt: row.occurred_at,
  actorUserId: row.actor_user_id,
  actorTenantId: row.actor_tenant_id,
  partnerTenantId: row.partner_tenant_id,
  customerTenantId: row.customer_tenant_id,
});

export function toAuditEntry(row: AuditRow): AuditEntry {
  const record = auditRecordOf(row);
  return {
    ...record,
    occurredAt: new Date(record.occurredAt),
    actor: { ...record.actor, tenantName: record.actor.tenantName ?? undefined },
  };
}
