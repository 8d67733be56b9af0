import type { DapStatus } from '../../src/delegated-admin/domain/partner-capabilities';
import type { SqlRunner } from '../../src/platform/projection-engine/projection';
import type {
  CustomerCriteria,
  CustomerSort,
  SortDirection,
} from '../../src/delegated-admin/domain/customer-search';
import { PairSummaryReader } from '../gdap/gdap-pair-summary-reader';
import { CUSTOMERS_GDAP_ALLOWS } from '../gdap/gdap-relationships.queries';
import { groupHolds } from '../azure-subscriptions/partner-subscriptions.queries';
import { resellerActive } from './relationship-row';

export interface RelationshipRow {
  partner_tenant_id: string;
  customer_tenant_id: string;
  partner_name: string;
  customer_name: string;
  customer_domain: string | null;
  /**
   * When the reseller relationship was established; listed by GDAP alone, when the earliest in
   * force was approved.
   */
  relationship_since: string;
  /**
   * 1 while the customer is on the Customers page: its reseller relationship active or a GDAP
   * relationship in force (R16).
   */
  active: number;
  dap_status: DapStatus;
  /** JSON array of directory role display names. */
  dap_roles: string;
  dap_changed_at: string | null;
  /** The name and domain as searched and sorted (customer-search.ts: no accents, lower case). */
  search_name: string;
  search_domain: string | null;
  /**
   * 1 while the reseller relationship is active (R9), its establishment's time, and how many GDAP
   * relationships are in force (approved, not ended). Absent in a row of customers v5 or
   * customers-history v2, where `active` is the reseller relationship's alone: read them through
   * relationship-row.ts's resellerActive and everReseller.
   */
  reseller_active?: number;
  reseller_since?: string | null;
  gdap_in_force?: number;
}

export interface CustomerPageKey {
  name: string;
  tenantId: string;
}

/** Where a page of the Customers page starts: the last row's sort key and tenant id. */
export interface CustomerSortKey {
  value: string;
  tenantId: string;
}

export interface CustomerOrder {
  sort: CustomerSort;
  direction: SortDirection;
}

/** Each sort's key, exactly as its index declares it (customers.projection.ts). */
const SORT_EXPRESSION: Record<CustomerSort, string> = {
  NAME: 'c.search_name',
  SINCE: 'c.relationship_since',
  DAP_CHANGED: "IFNULL(c.dap_changed_at, '')",
};

/** The row's value of its sort key (what SORT_EXPRESSION computes). */
export function sortValue(row: RelationshipRow, sort: CustomerSort): string {
  switch (sort) {
    case 'NAME':
      return row.search_name;
    case 'SINCE':
      return row.relationship_since;
    case 'DAP_CHANGED':
      return row.dap_changed_at ?? '';
  }
}

/** Above every prefix's continuation in SQLite's byte order (UTF-8 F4 8F BF BF). */
const PREFIX_END = '\u{10FFFF}';

/** A live subscription the partner sees in the row's customer (partner-subscriptions read model). */
const SEEN_SUBSCRIPTION = `SELECT 1 FROM partner_subscriptions ps
  WHERE ps.partner_tenant_id = @partner AND ps.customer_tenant_id = c.customer_tenant_id`;

/** A search (R16): a prefix of the name or of the domain, as customer-search.ts keys them. */
const NAME_MATCHES = '(c.search_name >= @from AND c.search_name < @to)';
const DOMAIN_MATCHES = '(c.search_domain >= @from AND c.search_domain < @to)';
/** The customers a search matches by domain and not by name (its name matches are read apart). */
const DOMAIN_ALONE_MATCHES = `${DOMAIN_MATCHES} AND NOT ${NAME_MATCHES}`;
/**
 * The same for a one-letter search: the domain starts with the letter and the name does not, so
 * the two start differently. Spelt as customers_page_by_domain_initial's terms, SQLite reads only
 * that partial index's entries for the letter, by name, instead of every domain the letter starts
 * (100,000 customers: 0.5 to 1.3 ms a page, even when none matched by domain alone).
 */
const DOMAIN_ALONE_BY_INITIAL =
  'substr(c.search_domain, 1, 1) = @from AND substr(c.search_domain, 1, 1) <> substr(c.search_name, 1, 1)';
const isOneLetter = (prefix: string) => [...prefix].length === 1;
const domainAlone = (prefix: string) =>
  isOneLetter(prefix) ? DOMAIN_ALONE_BY_INITIAL : DOMAIN_ALONE_MATCHES;
const searched = (criteria: CustomerCriteria): string[] =>
  criteria.searchPrefix ? [`(${NAME_MATCHES} OR ${DOMAIN_MATCHES})`] : [];
/** Where a page starts: after the last row of the page before (its sort key and tenant id). */
const CURSOR = '(@afterValue, @afterTenant)';
/**
 * For the names a search matches, a cursor of the search sorted by name moved into them when it
 * lies outside them (it then excludes none of them): their range of the index is read from it, so
 * a cursor made up to lie before them would walk every name up to them.
 */
const CURSOR_IN_RANGE: Record<SortDirection, string> = {
  ASC: "(MAX(@afterValue, @from), IIF(@afterValue < @from, '', @afterTenant))",
  DESC: "(MIN(@afterValue, @to), IIF(@afterValue >= @to, '', @afterTenant))",
};

/**
 * The criteria but the search as SQL conditions on `customers c`, one clause per criterion (the
 * search's bounds are among the parameters; `searched` gives its condition). A new criterion adds
 * its field to CustomerCriteria and a clause here.
 */
interface Matching {
  conditions: string[];
  params: Record<string, unknown>;
}

function matching(criteria: CustomerCriteria): Matching {
  const conditions = ['c.partner_tenant_id = @partner', 'c.active = @active'];
  const params: Record<string, unknown> = {
    partner: criteria.partnerTenantId,
    active: criteria.relationshipActive ? 1 : 0,
  };
  if (criteria.searchPrefix) {
    Object.assign(params, {
      from: criteria.searchPrefix,
      to: criteria.searchPrefix + PREFIX_END,
    });
  }
  if (criteria.dapStatuses) {
    conditions.push('c.dap_status IN (SELECT value FROM json_each(@dapStatuses))');
    params.dapStatuses = JSON.stringify(criteria.dapStatuses);
  }
  if (criteria.portalsUsable) {
    const { usable, dapStatuses, gdapGroups, gdapRoleTemplateIds, at } = criteria.portalsUsable;
    const ways = ['c.dap_status IN (SELECT value FROM json_each(@portalsDapStatuses))'];
    params.portalsDapStatuses = JSON.stringify(dapStatuses);
    if (gdapGroups.length > 0) {
      ways.push(`c.customer_tenant_id IN (${CUSTOMERS_GDAP_ALLOWS})`);
      Object.assign(params, {
        gdapGroups: JSON.stringify(gdapGroups),
        gdapRoles: JSON.stringify(gdapRoleTemplateIds),
        gdapAt: at,
      });
    }
    conditions.push(`${usable ? '' : 'NOT '}(${ways.join(' OR ')})`);
  }
  if (criteria.azureRoleGroups) {
    const { groups, held } = criteria.azureRoleGroups;
    // Each group's seek reads its partial index: one entry, whatever else the customer holds.
    const holding = groups.map(
      (group) => `EXISTS (${SEEN_SUBSCRIPTION} AND ps.${groupHolds(group)})`,
    );
    conditions.push(`${held ? '' : 'NOT '}(${holding.join(' OR ') || '0'})`);
  }
  if (criteria.hasAzureSubscriptions !== null) {
    conditions.push(`${criteria.hasAzureSubscriptions ? '' : 'NOT '}EXISTS (${SEEN_SUBSCRIPTION})`);
  }
  return { conditions, params };
}

/**
 * Up to how many customers a search matches (by name and by domain, counted apiece), a page of it
 * sorted by anything but the name reads them all and sorts them; past it, it walks the sort's index
 * until the page is full, since so many matches are soon met. Without statistics SQLite cannot tell
 * the two apart: it walked every customer's since for "zz" (40 ms at 100,000 customers).
 */
export const SEARCH_SORTED_UP_TO = 1_000;

/** The SQL of one keyset page (CustomersQueries.page). */
function pageQuery(
  criteria: CustomerCriteria,
  { conditions, params: matched }: Matching,
  order: CustomerOrder,
  first: number,
  after: CustomerSortKey | null,
  fewMatches: boolean,
): { sql: string; params: Record<string, unknown> } {
  const sortBy = SORT_EXPRESSION[order.sort];
  const direction = order.direction;
  const beyond = (cursor = CURSOR) =>
    after ? [`(${sortBy}, c.customer_tenant_id) ${direction === 'ASC' ? '>' : '<'} ${cursor}`] : [];
  const params = after
    ? { ...matched, afterValue: after.value, afterTenant: after.tenantId }
    : matched;
  const orderBy = `ORDER BY ${sortBy} ${direction}, c.customer_tenant_id ${direction}`;
  // `+`: a sort that no index gives, so that SQLite reads the rows by their ranges, then sorts.
  const sortedAfterReading = `ORDER BY +${sortBy} ${direction}, c.customer_tenant_id ${direction}`;
  const select = (where: readonly string[], by = orderBy) =>
    `SELECT c.* FROM customers c WHERE ${where.join(' AND ')} ${by} LIMIT @limit`;
  if (criteria.searchPrefix === null || order.sort !== 'NAME') {
    const where = [...conditions, ...beyond(), ...searched(criteria)];
    const sql = select(where, fewMatches ? sortedAfterReading : orderBy);
    return { sql, params: { ...params, limit: first } };
  }
  // Sorted by name, the names a prefix matches are one range of the name index, but SQLite
  // estimates them spread evenly over it: it walked the index from the first name, reading every
  // customer before the range (143 ms for "w" at 100,000 customers). So the page is read in two
  // parts, each cut to the page, then merged: the matches by name as that range, and those by
  // domain alone from the domain index (which holds the name to tell them), then sorted (never
  // walked in name order).
  const byName = select([...conditions, ...beyond(CURSOR_IN_RANGE[direction]), NAME_MATCHES]);
  const byDomainOnly = select(
    [...conditions, ...beyond(), domainAlone(criteria.searchPrefix)],
    isOneLetter(criteria.searchPrefix) ? orderBy : sortedAfterReading,
  );
  return {
    sql: `SELECT * FROM (SELECT * FROM (${byName}) UNION ALL SELECT * FROM (${byDomainOnly})) c
      ${orderBy} LIMIT @limit`,
    params: { ...params, limit: first },
  };
}

export class CustomersQueries {
  /** The GDAP summaries of the page's pairs (R16, R67), kept decoded while they are current. */
  readonly pairSummaries: PairSummaryReader;

  constructor(private readonly db: SqlRunner) {
    this.pairSummaries = new PairSummaryReader(db);
  }

  /**
   * One page of a partner's customers matching `criteria`, in `order`, after `after` (R16, R17).
   * Keyset paging on (sort key, tenant id), each sort backed by an index that starts with
   * (partner, active), so a page reads from its key on instead of counting rows before it.
   */
  page(
    criteria: CustomerCriteria,
    order: CustomerOrder,
    first: number,
    after: CustomerSortKey | null,
  ): RelationshipRow[] {
    const { sql, params } = this.pageQuery(criteria, order, first, after);
    return this.db.all<RelationshipRow>(sql, params);
  }

  private pageQuery(
    criteria: CustomerCriteria,
    order: CustomerOrder,
    first: number,
    after: CustomerSortKey | null,
  ) {
    const matched = matching(criteria);
    const few = this.fewMatches(criteria, order, matched.params);
    return pageQuery(criteria, matched, order, first, after, few);
  }

  /**
   * Whether a search sorted by anything but the name matches at most SEARCH_SORTED_UP_TO customers
   * by name and by domain, counted apiece: each count reads its own index range, and stops there.
   */
  private fewMatches(
    criteria: CustomerCriteria,
    order: CustomerOrder,
    params: Matching['params'],
  ): boolean {
    if (criteria.searchPrefix === null || order.sort === 'NAME') return false;
    const upTo = (matches: string) =>
      `SELECT COUNT(*) FROM (SELECT 1 FROM customers c WHERE c.partner_tenant_id = @partner
         AND c.active = @active AND ${matches} LIMIT ${SEARCH_SORTED_UP_TO + 1})`;
    const counted = this.db.get<{ matches: number }>(
      `SELECT (${upTo(NAME_MATCHES)}) + (${upTo(DOMAIN_MATCHES)}) AS matches`,
      { partner: params.partner, active: params.active, from: params.from, to: params.to },
    );
    return (counted?.matches ?? 0) <= SEARCH_SORTED_UP_TO;
  }

  /**
   * How many of the partner's customers match `criteria`. A search counts its matches by name and
   * those by domain alone apiece, each read as its range of an index: counted as an `OR`, SQLite
   * without statistics read the partner's whole domain index (11 ms at 100,000 customers, even
   * for a search that matches none).
   */
  count(criteria: CustomerCriteria): number {
    const { conditions, params } = matching(criteria);
    const countOf = (where: readonly string[]) =>
      `SELECT COUNT(*) FROM customers c WHERE ${where.join(' AND ')}`;
    const sql =
      criteria.searchPrefix === null
        ? countOf(conditions)
        : `SELECT (${countOf([...conditions, NAME_MATCHES])}) + (${countOf([...conditions, domainAlone(criteria.searchPrefix)])})`;
    return this.db.get<{ total: number }>(`SELECT (${sql}) AS total`, params)?.total ?? 0;
  }

  /** The pair's row while its reseller relationship is active (R9). */
  relationship(partnerTenantId: string, customerTenantId: string): RelationshipRow | undefined {
    const row = this.db.get<RelationshipRow>(
      'SELECT * FROM customers WHERE partner_tenant_id = ? AND customer_tenant_id = ? AND active = 1',
      [partnerTenantId, customerTenantId],
    );
    return row && resellerActive(row) ? row : undefined;
  }

  /** Whether any customer has had a relationship (reseller or GDAP) with the partner, ever. */
  hasAnyCustomer(partnerTenantId: string): boolean {
    return (
      this.db.get('SELECT 1 FROM customers WHERE partner_tenant_id = ? LIMIT 1', [
        partnerTenantId,
      ]) !== undefined
    );
  }

  /** The pair's row whether or not a relationship is still active, or was ever a reseller one. */
  pair(partnerTenantId: string, customerTenantId: string): RelationshipRow | undefined {
    return this.db.get<RelationshipRow>(
      'SELECT * FROM customers WHERE partner_tenant_id = ? AND customer_tenant_id = ?',
      [partnerTenantId, customerTenantId],
    );
  }

  /**
   * The reseller rows of the customer's Partner relationships page (R15): only its own partners
   * (R17); those in GDAP alone are read from gdap-relationships.
   */
  partnersOf(customerTenantId: string): RelationshipRow[] {
    return this.db
      .all<RelationshipRow>(
        'SELECT * FROM customers WHERE customer_tenant_id = ? AND active = 1 ORDER BY partner_name, partner_tenant_id',
        [customerTenantId],
      )
      .filter(resellerActive);
  }
}
