import {
  type AuditField,
  AUDIT_FIELDS,
  type AuditRow,
} from '../../projections/audit/audit-columns';

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

/**
 * The record for a row and its event's data, field by field as `AUDIT_FIELDS` declares them: each
 * stored column at its record path, JSON columns parsed.
 */
export function auditRecordOf(row: AuditRow, data: unknown): AuditRecord {
  const record: Record<string, unknown> = { actor: {} };
  for (const field of AUDIT_FIELDS) {
    const value = field.sql === null ? data : storedValue(row, field);
    const [head, nested] = field.field.split('.');
    if (nested) (record[head] as Record<string, unknown>)[nested] = value;
    else record[head] = value;
  }
  // Complete and correctly typed: AUDIT_FIELDS names every AuditRecord path once (checked there).
  return record as unknown as AuditRecord;
}

function storedValue(row: AuditRow, field: Extract<AuditField, { sql: string }>): unknown {
  const stored = row[field.name];
  return 'json' in field && typeof stored === 'string' ? (JSON.parse(stored) as unknown) : stored;
}
