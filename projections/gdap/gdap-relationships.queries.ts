import { type GdapGrant, grantsInForce } from '../../src/gdap/domain/effective-roles';
import type { GdapRelationshipStatus } from '../../src/gdap/domain/events';
import { GRANTING } from '../../src/gdap/domain/gdap-state';
import type { SqlRunner } from '../../src/platform/projection-engine/projection';
import type { GdapPairSummary } from './gdap-pair-summary';
import { readPairSummaries } from './gdap-pair-summary-reader';
import type { GdapRelationshipView } from './gdap-relationship-view';
import { compareText } from '../../src/platform/common/compare-text';

export interface GdapRelationshipFilter {
  partnerTenantId?: string;
  customerTenantId?: string;
  status?: GdapRelationshipStatus;
  /** ISO text: only relationships whose end date is at or before it. */
  endingBefore?: string;
}

/** R67's granting statuses as an SQL list: `('active', 'expiring')`. */
export const GRANTING_SQL = `(${GRANTING.map((status) => `'${status}'`).join(', ')})`;

/**
 * R67, for a condition on the Customers page's rows: the customers of @partner where one of
 * @gdapGroups holds one of @gdapRoles at @gdapAt, through an active assignment (assignmentGrants)
 * of a relationship in force. Read once a query from the partner's granting relationships
 * (gdap_relationships_by_end), then looked up per row, rather than sought for every row.
 */
export const CUSTOMERS_GDAP_ALLOWS = `SELECT g.customer_tenant_id FROM gdap_relationships g,
    json_each(g.view, '$.assignments') a, json_each(a.value, '$.roles') r
  WHERE g.partner_tenant_id = @partner
    AND g.status IN ${GRANTING_SQL} AND g.end_date_time > @gdapAt
    AND json_extract(a.value, '$.status') = 'active'
    AND json_extract(a.value, '$.securityGroupId') IN (SELECT value FROM json_each(@gdapGroups))
    AND json_extract(r.value, '$.roleTemplateId') IN (SELECT value FROM json_each(@gdapRoles))`;

const viewsOf = (rows: { view: string }[]): GdapRelationshipView[] =>
  rows.map((row) => JSON.parse(row.view) as GdapRelationshipView);

const FILTER_TESTS: [keyof GdapRelationshipFilter, string][] = [
  ['partnerTenantId', 'partner_tenant_id ='],
  ['customerTenantId', 'customer_tenant_id ='],
  ['status', 'status ='],
  ['endingBefore', 'end_date_time <='],
];

/** SQL conditions for the fields `filter` gives, and only those (so the tenant's index is used). */
function conditionsOf(filter: GdapRelationshipFilter) {
  const conditions: string[] = [];
  const params: Record<string, string | number> = {};
  for (const [field, test] of FILTER_TESTS) {
    const value = filter[field];
    if (value == null) continue;
    conditions.push(`${test} @${field}`);
    params[field] = value;
  }
  return { conditions, params };
}

/**
 * A partner in a customer's GDAP relationships in force (R15, R67): the name of the partner and of
 * the customer on the earliest of them, and when that one was activated.
 */
export interface GdapPartnerRow {
  partner_tenant_id: string;
  partner_name: string;
  customer_name: string | null;
  since: string;
}

/** One relationship's partner as a GdapPartnerRow: the row of that relationship alone. */
export const gdapPartnerRowOf = (view: GdapRelationshipView): GdapPartnerRow => ({
  partner_tenant_id: view.partnerTenantId,
  partner_name: view.partnerName,
  customer_name: view.customerDisplayName ?? null,
  since: view.activatedAt ?? view.createdAt,
});

/** GdapPartnerRow's columns from `view`s, one row per partner (the earliest activated, by MIN). */
export const GDAP_PARTNER_COLUMNS = `partner_tenant_id,
  json_extract(view, '$.partnerName') AS partner_name,
  json_extract(view, '$.customerDisplayName') AS customer_name,
  MIN(json_extract(view, '$.activatedAt')) AS since`;

export class GdapRelationshipsQueries {
  constructor(private readonly db: SqlRunner) {}

  /**
   * One page by id, after `after` (keyset). At least one tenant is always given by the caller, and
   * only the conditions given are in the query, so SQLite walks that tenant's index in id order
   * (the pair's own rows, sorted, when both are given) instead of every relationship's id.
   */
  page(
    filter: GdapRelationshipFilter,
    first: number,
    after: string | null,
  ): GdapRelationshipView[] {
    const { conditions, params } = conditionsOf(filter);
    const rows = this.db.all<{ view: string }>(
      `SELECT view FROM gdap_relationships WHERE ${['relationship_id > @after', ...conditions].join(' AND ')}
       ORDER BY relationship_id LIMIT @limit`,
      { ...params, after: after ?? '', limit: first },
    );
    return viewsOf(rows);
  }

  /** How many relationships `filter` holds (a connection's totalCount, counted when asked for). */
  count(filter: GdapRelationshipFilter): number {
    const { conditions, params } = conditionsOf(filter);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    return this.db.get<{ count: number }>(
      `SELECT COUNT(*) AS count FROM gdap_relationships ${where}`,
      params,
    )!.count;
  }

  /** Whether the customer ever approved a GDAP relationship of the partner, whatever it is now. */
  approvedWith(partnerTenantId: string, customerTenantId: string): boolean {
    const row = this.db.get(
      `SELECT 1 FROM gdap_relationships
       WHERE partner_tenant_id = ? AND customer_tenant_id = ?
         AND json_extract(view, '$.activatedAt') IS NOT NULL LIMIT 1`,
      [partnerTenantId, customerTenantId],
    );
    return row !== undefined;
  }

  /**
   * Partners (or just `partnerTenantId`) with a relationship in force with the customer at `now`
   * (R15): granting, and before its end, whether or not its expiry is recorded yet (R67).
   */
  partnersInForceWith(
    customerTenantId: string,
    now: Date,
    partnerTenantId?: string,
  ): GdapPartnerRow[] {
    const partner = partnerTenantId === undefined ? '' : 'AND partner_tenant_id = @partner';
    return this.db.all<GdapPartnerRow>(
      `SELECT ${GDAP_PARTNER_COLUMNS} FROM gdap_relationships
       WHERE customer_tenant_id = @customer ${partner}
         AND status IN ${GRANTING_SQL} AND end_date_time > @now
       GROUP BY partner_tenant_id ORDER BY partner_tenant_id`,
      {
        customer: customerTenantId,
        now: now.toISOString(),
        ...(partnerTenantId && { partner: partnerTenantId }),
      },
    );
  }

  byId(relationshipId: string): GdapRelationshipView | undefined {
    const row = this.db.get<{ view: string }>(
      'SELECT view FROM gdap_relationships WHERE relationship_id = ?',
      [relationshipId],
    );
    return row ? viewsOf([row])[0] : undefined;
  }

  /**
   * The summary of the partner's relationships with each of `customerTenantIds` that has any (R16,
   * R67), read and decoded now (a Customers page keeps them: PairSummaryReader).
   */
  summariesOf(
    partnerTenantId: string,
    customerTenantIds: readonly string[],
  ): Map<string, GdapPairSummary> {
    return readPairSummaries(this.db, partnerTenantId, customerTenantIds);
  }

  /**
   * The relationships of a partner with each of `customerTenantIds`, by display name (as
   * GdapRelationshipsHistoryQueries.ofCustomers at asOf); at most `limit` in all (-1: every one).
   */
  ofCustomers(
    partnerTenantId: string,
    customerTenantIds: readonly string[],
    limit = -1,
  ): Map<string, GdapRelationshipView[]> {
    const byCustomer = new Map<string, GdapRelationshipView[]>();
    const rows = this.db.all<{ view: string }>(
      `SELECT view FROM gdap_relationships
       WHERE partner_tenant_id = ? AND customer_tenant_id IN (SELECT value FROM json_each(?))
       ORDER BY customer_tenant_id, display_name LIMIT ?`,
      [partnerTenantId, JSON.stringify(customerTenantIds), limit],
    );
    for (const view of viewsOf(rows)) {
      const views = byCustomer.get(view.customerTenantId);
      if (views) views.push(view);
      else byCustomer.set(view.customerTenantId, [view]);
    }
    return byCustomer;
  }

  /**
   * R63: a partner's granting relationships whose end is after `now` and by `until`, soonest first,
   * at most `limit`. One past its end whose expiry is not recorded yet grants nothing (R67) and is
   * not read: it cannot take the place of one that is still to end.
   */
  endingBy(partnerTenantId: string, now: Date, until: Date, limit: number): GdapRelationshipView[] {
    const rows = this.db.all<{ view: string }>(
      `SELECT view FROM gdap_relationships
       WHERE partner_tenant_id = ? AND status IN ${GRANTING_SQL}
         AND end_date_time > ? AND end_date_time <= ?
       ORDER BY end_date_time, relationship_id LIMIT ?`,
      [partnerTenantId, now.toISOString(), until.toISOString(), limit],
    );
    return viewsOf(rows);
  }

  /** R69: partners with anything that changes on its own (the scheduler's list to look at). */
  partnersWithScheduledWork(): string[] {
    // Partner by partner, each found by one seek past the last (a skip-scan): DISTINCT read every
    // relationship's index entry, on the request thread, at every scheduler pass.
    return this.db
      .all<{ partner_tenant_id: string }>(
        `WITH RECURSIVE partners (partner) AS (
           SELECT MIN(partner_tenant_id) FROM gdap_relationships
           UNION ALL
           SELECT (SELECT MIN(partner_tenant_id) FROM gdap_relationships
                   WHERE partner_tenant_id > partner)
           FROM partners WHERE partner IS NOT NULL
         )
         SELECT partner AS partner_tenant_id FROM partners
         WHERE partner IS NOT NULL AND EXISTS (
           SELECT 1 FROM gdap_relationships WHERE partner_tenant_id = partner
             AND status IN ('approvalPending', 'active', 'expiring', 'terminationRequested'))`,
      )
      .map((row) => row.partner_tenant_id);
  }

  /**
   * R67: the pair's active assignments in granting relationships still in force at `now`, as the
   * access rules read them.
   */
  grants(partnerTenantId: string, customerTenantId: string, now: Date): GdapGrant[] {
    const grants = this.summariesOf(partnerTenantId, [customerTenantId]).get(
      customerTenantId,
    )?.grants;
    return grantsInForce(grants ?? [], now).sort(
      (a, b) =>
        compareText(a.relationshipId, b.relationshipId) ||
        compareText(a.assignmentId, b.assignmentId),
    );
  }
}
