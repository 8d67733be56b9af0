import type { AuditFilter, AuditScope } from '../../src/audit/domain/audit-visibility';
import type { SqlRunner } from '../../src/platform/projection-engine/projection';
import type { AuditRow } from './audit-columns';
import { ReadModelNotReadyError } from '../../src/platform/projection-engine/checkpoints';

export type { AuditRow };

interface Where {
  sql: string;
  params: Record<string, unknown>;
  /** Nothing but a time range, read through audit_by_time: that index alone tells which match. */
  timeOnly: boolean;
}

/**
 * The caller's scope (R42) and the filter, ANDed, as SQL over the indexed columns. `timeIndex`
 * false keeps SQLite off audit_by_time (`+occurred_at`), so that it walks positions instead. One
 * request's entries are few: with `correlationId`, every other condition is written `+column`, so
 * that they are read from audit_by_correlation (SQLite took a customer's covering index, walking
 * all of the customer's entries to find them).
 */
function where(scope: AuditScope, filter: AuditFilter, timeIndex = true): Where {
  const conditions: string[] = [];
  const params: Record<string, unknown> = {};
  const byRequest = Boolean(filter.correlationId);
  const add = (condition: string, name: string, value: unknown) => {
    conditions.push(condition);
    params[name] = value;
  };
  const column = (name: string) => (byRequest ? `+${name}` : name);
  if (filter.correlationId) {
    add('correlation_id = @correlation', 'correlation', filter.correlationId);
  }
  if (scope.kind === 'customer')
    add(`${column('customer_tenant_id')} = @scope`, 'scope', scope.customerTenantId);
  if (scope.kind === 'actor-tenant') {
    add(`${column('actor_tenant_id')} = @scope`, 'scope', scope.actorTenantId);
    add(`${column('actor_tenant_kind')} = @actorKind`, 'actorKind', 'partner');
  }
  if (filter.customerTenantId)
    add(`${column('customer_tenant_id')} = @customer`, 'customer', filter.customerTenantId);
  if (filter.partnerTenantId)
    add(`${column('partner_tenant_id')} = @partner`, 'partner', filter.partnerTenantId);
  if (filter.actorUserId) add(`${column('actor_user_id')} = @user`, 'user', filter.actorUserId);
  if (filter.eventTypes?.length) {
    add(
      `${column('type')} IN (SELECT value FROM json_each(@types))`,
      'types',
      JSON.stringify(filter.eventTypes),
    );
  }
  const timeOnly = timeIndex && conditions.length === 0 && Boolean(filter.from || filter.to);
  const time = timeIndex && !byRequest ? 'occurred_at' : '+occurred_at';
  if (filter.from) add(`${time} >= @from`, 'from', filter.from.toISOString());
  if (filter.to) add(`${time} < @to`, 'to', filter.to.toISOString());
  return { sql: conditions.map((condition) => `AND ${condition}`).join(' '), params, timeOnly };
}

/** The audit log (R41, R42): keyset-paged on position, so appends never shift a page. */
export class AuditQueries {
  constructor(private readonly db: SqlRunner) {}

  /**
   * A `correlationId` filter reads audit_by_correlation (version 13 on). While version 12 serves
   * (13 building beside it) the log has no such index, and the filter would walk every entry: it
   * is refused with NOT_READY until the switch.
   */
  private checkFilterIndexed(filter: AuditFilter): void {
    if (!filter.correlationId) return;
    const indexed = this.db.get(
      `SELECT 1 AS found FROM sqlite_master
       WHERE type = 'index' AND tbl_name = 'audit_log' AND name GLOB 'audit_by_correlation*'`,
    );
    if (!indexed) throw new ReadModelNotReadyError('audit');
  }

  /** Newest first: entries below `before` (exclusive; null: from the newest). */
  newestFirst(
    scope: AuditScope,
    filter: AuditFilter,
    limit: number,
    before: number | null,
  ): AuditRow[] {
    this.checkFilterIndexed(filter);
    const timeIndex = this.timeIndexIsCheaper(filter, (range) => {
      const start = Math.min(before ?? Number.MAX_SAFE_INTEGER, range.head() + 1);
      return { walked: start - range.last, inRange: Math.min(start, range.last) - range.first };
    });
    return this.page(where(scope, filter, timeIndex), 'position < @before', 'DESC', {
      before: before ?? Number.MAX_SAFE_INTEGER,
      limit,
    });
  }

  /** Oldest first: entries after `after` up to `through` (both positions), for exports and live updates. */
  oldestFirst(
    scope: AuditScope,
    filter: AuditFilter,
    limit: number,
    after: number,
    through = Number.MAX_SAFE_INTEGER,
  ): AuditRow[] {
    this.checkFilterIndexed(filter);
    const timeIndex = this.timeIndexIsCheaper(filter, (range) => ({
      walked: range.first - after,
      inRange: Math.min(through, range.last) - Math.max(after, range.first),
    }));
    return this.page(
      where(scope, filter, timeIndex),
      'position > @after AND position <= @through',
      'ASC',
      {
        after,
        through,
        limit,
      },
    );
  }

  /**
   * The page of `limit` entries in `window` (positions) that match, in `order`. For nothing but a
   * time range read through its index, the positions come from audit_by_time alone (it holds
   * them) and only the page's rows from the table, instead of every row of the range.
   */
  private page(
    { sql, params, timeOnly }: Where,
    window: string,
    order: 'ASC' | 'DESC',
    bounds: Record<string, number>,
  ): AuditRow[] {
    // `+position` leaves audit_by_time the only index the subquery can use. It is not named
    // (INDEXED BY): a version built beside the live one keeps its indexes' build suffix.
    const matching = timeOnly
      ? `position IN (SELECT position FROM audit_log
           WHERE ${window.replaceAll('position', '+position')} ${sql}
           ORDER BY position ${order} LIMIT @limit)`
      : `${window} ${sql}`;
    return this.db.all<AuditRow>(
      `SELECT * FROM audit_log WHERE ${matching} ORDER BY position ${order} LIMIT @limit`,
      { ...params, ...bounds },
    );
  }

  count(scope: AuditScope, filter: AuditFilter): number {
    this.checkFilterIndexed(filter);
    const { sql, params } = where(scope, filter);
    return (
      this.db.get<{ total: number }>(`SELECT COUNT(*) AS total FROM audit_log WHERE 1 = 1 ${sql}`, {
        ...params,
      })?.total ?? 0
    );
  }

  /**
   * Whether a page with a time range is cheaper read through audit_by_time (every entry of the
   * range, then sorted) than by walking positions from the page's start, testing each entry's time.
   * Both give the same rows, but SQLite does not weigh the LIMIT: left alone it takes the time index
   * even for a range that is most of the log (336 ms a page at 1,000,000 entries). `cost` estimates
   * both in positions, from those of the range's first and last entries (a seek each): close while
   * time follows position, and only ever a matter of speed when it does not. `head` is read
   * once, if at all: a range with no end and a page from the newest entry both need it.
   */
  private timeIndexIsCheaper(
    filter: AuditFilter,
    cost: (range: { first: number; last: number; head: () => number }) => {
      walked: number;
      inRange: number;
    },
  ): boolean {
    if (!filter.from && !filter.to) return true;
    // One request's entries come from audit_by_correlation, time range or not (`where`).
    if (filter.correlationId) return false;
    let known: number | undefined;
    const head = () => (known ??= this.head());
    const first = filter.from
      ? this.db.get<{ position: number }>(
          `SELECT position FROM audit_log WHERE occurred_at >= ?
           ORDER BY occurred_at, position LIMIT 1`,
          [filter.from.toISOString()],
        )?.position
      : 0;
    const last = filter.to
      ? this.db.get<{ position: number }>(
          `SELECT position FROM audit_log WHERE occurred_at < ?
           ORDER BY occurred_at DESC, position DESC LIMIT 1`,
          [filter.to.toISOString()],
        )?.position
      : head();
    // No entry in the range: the time index says so at once.
    if (first === undefined || last === undefined) return true;
    const { walked, inRange } = cost({ first, last, head });
    return Math.max(0, walked) >= Math.max(0, inRange);
  }

  /** Position of the newest entry, 0 when the log is empty. */
  head(): number {
    return (
      this.db.get<{ head: number | null }>('SELECT MAX(position) AS head FROM audit_log')?.head ?? 0
    );
  }
}
