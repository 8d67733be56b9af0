import type { AuditFilter, AuditScope } from '../../src/audit/domain/audit-visibility';
import type { SqlRunner } from '../../src/platform/projection-engine/projection';
import type { AuditRow } from './audit-columns';

export type { AuditRow };

interface Where {
  sql: string;
  params: Record<string, unknown>;
}

/** The caller's scope (R42) and the filter, ANDed, as SQL over the indexed columns. */
function where(scope: AuditScope, filter: AuditFilter): Where {
  const conditions: string[] = [];
  const params: Record<string, unknown> = {};
  const add = (condition: string, name: string, value: unknown) => {
    conditions.push(condition);
    params[name] = value;
  };
  if (scope.kind === 'customer')
    add('customer_tenant_id = @scope', 'scope', scope.customerTenantId);
  if (scope.kind === 'actor-tenant') add('actor_tenant_id = @scope', 'scope', scope.actorTenantId);
  if (filter.customerTenantId)
    add('customer_tenant_id = @customer', 'customer', filter.customerTenantId);
  if (filter.partnerTenantId)
    add('partner_tenant_id = @partner', 'partner', filter.partnerTenantId);
  if (filter.actorUserId) add('actor_user_id = @user', 'user', filter.actorUserId);
  if (filter.eventTypes?.length) {
    add(
      'type IN (SELECT value FROM json_each(@types))',
      'types',
      JSON.stringify(filter.eventTypes),
    );
  }
  if (filter.from) add('occurred_at >= @from', 'from', filter.from.toISOString());
  if (filter.to) add('occurred_at < @to', 'to', filter.to.toISOString());
  return { sql: conditions.map((condition) => `AND ${condition}`).join(' '), params };
}

/** The audit log (R41, R42): keyset-paged on position, so appends never shift a page. */
export class AuditQueries {
  constructor(private readonly db: SqlRunner) {}

  /** Newest first: entries below `before` (exclusive; null: from the newest). */
  newestFirst(
    scope: AuditScope,
    filter: AuditFilter,
    limit: number,
    before: number | null,
  ): AuditRow[] {
    const { sql, params } = where(scope, filter);
    return this.db.all<AuditRow>(
      `SELECT * FROM audit_log WHERE position < @before ${sql} ORDER BY position DESC LIMIT @limit`,
      { ...params, before: before ?? Number.MAX_SAFE_INTEGER, limit },
    );
  }

  /** Oldest first: entries after `after` up to `through` (both positions), for exports and live updates. */
  oldestFirst(
    scope: AuditScope,
    filter: AuditFilter,
    limit: number,
    after: number,
    through = Number.MAX_SAFE_INTEGER,
  ): AuditRow[] {
    const { sql, params } = where(scope, filter);
    return this.db.all<AuditRow>(
      `SELECT * FROM audit_log WHERE position > @after AND position <= @through ${sql}
       ORDER BY position ASC LIMIT @limit`,
      { ...params, after, through, limit },
    );
  }

  count(scope: AuditScope, filter: AuditFilter): number {
    const { sql, params } = where(scope, filter);
    return (
      this.db.get<{ total: number }>(`SELECT COUNT(*) AS total FROM audit_log WHERE 1 = 1 ${sql}`, {
        ...params,
      })?.total ?? 0
    );
  }

  /** Position of the newest entry, 0 when the log is empty. */
  head(): number {
    return (
      this.db.get<{ head: number | null }>('SELECT MAX(position) AS head FROM audit_log')?.head ?? 0
    );
  }
}
