import { auditRecordOf } from './audit-record';
import type { AuditFacts } from './domain/audit-visibility';
import type { AuditRow } from '../../projections/audit/audit-columns';
import type { AuditEntry } from './audit.types';
import type { EventContent } from './referenced-events';

export const auditFactsOf = (row: AuditRow): AuditFacts => ({
  type: row.type,
  occurredAt: row.occurred_at,
  actorUserId: row.actor_user_id,
  actorTenantId: row.actor_tenant_id,
  actorTenantKind: row.actor_tenant_kind,
  partnerTenantId: row.partner_tenant_id,
  customerTenantId: row.customer_tenant_id,
  correlationId: row.correlation_id,
});

/**
 * The API's entry for a row. Its `data` (and `unreadable`) is read from the event store only when
 * the query selects it (`loadContent`, shared by a page's entries, reads them all at once).
 */
export function toAuditEntry(row: AuditRow, loadContent: () => Promise<EventContent>): AuditEntry {
  const record = auditRecordOf(row, undefined);
  return {
    ...record,
    occurredAt: new Date(record.occurredAt),
    actor: { ...record.actor, tenantName: record.actor.tenantName ?? undefined },
    get data() {
      return loadContent().then((content) => content.data);
    },
    get unreadable() {
      return loadContent().then((content) => content.unreadable);
    },
  };
}
