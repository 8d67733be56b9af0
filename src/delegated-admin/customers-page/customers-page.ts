import {
  CUSTOMER_SORTS,
  type CustomerCriteria,
  type CustomerFilterInput,
  customerCriteria,
  type CustomerSort,
  type PageViewer,
  type SortDirection,
} from '../domain/customer-search';
import { invalidInput } from '../../platform/domain/domain-error';
import { isTenantId } from '../../platform/domain/ids';
import { isStoredMoment } from '../../platform/common/date-time';
import { decodeCursor, encodeCursor, pageSize } from '../../platform/graphql/cursor';
import {
  type CustomerOrder,
  CustomersQueries,
  type RelationshipRow,
  sortValue,
} from '../../../projections/delegated-admin/customers.queries';
import {
  grantsTo,
  ROW_SUBSCRIPTIONS,
  type RowSubscriptions,
  rowSubscriptionsOf,
} from '../../../projections/azure-subscriptions/partner-subscriptions.queries';
import type { SubscriptionView } from '../../../projections/azure-subscriptions/subscriptions.queries';
import { partnerMaySeeSubscription } from '../../azure-subscriptions/domain/subscription-access';

/** What a Customers page request asks for: the search, the filter, the order and the page. */
export interface CustomersPageRequest {
  filter: CustomerFilterInput;
  sort?: CustomerSort | null;
  direction?: SortDirection | null;
  first?: number | null;
  after?: string | null;
}

export interface CustomersPage {
  rows: RelationshipRow[];
  hasNextPage: boolean;
  cursorOf(row: RelationshipRow): string;
  totalCount(): number;
}

/** A cursor names its order too, so that it is never read against another one. */
interface CursorKey {
  sort: CustomerSort;
  direction: SortDirection;
  value: string;
  tenantId: string;
}

/** A sort value as sortValue writes it: a name's search key, or a moment as stored ('': none). */
const isSortValue = (sort: CustomerSort, value: string): boolean =>
  sort === 'NAME' || (sort === 'DAP_CHANGED' && value === '') || isStoredMoment(value);

const isCursorKey = (value: unknown): value is CursorKey => {
  const key = value as CursorKey;
  return (
    typeof value === 'object' &&
    value !== null &&
    CUSTOMER_SORTS.includes(key.sort) &&
    (key.direction === 'ASC' || key.direction === 'DESC') &&
    typeof key.value === 'string' &&
    isSortValue(key.sort, key.value) &&
    typeof key.tenantId === 'string' &&
    isTenantId(key.tenantId)
  );
};

export const CUSTOMERS_PAGE_MAX = 500;

/** A Customers page request checked and put in the read model's terms (its cache key too). */
export interface CustomersPageQuery {
  criteria: CustomerCriteria;
  order: CustomerOrder;
  size: number;
  after: CursorKey | null;
}

/** R16: what one keyset page of the partner's filtered, sorted Customers page reads. */
export function customersPageQuery(
  viewer: PageViewer,
  request: CustomersPageRequest,
  now: Date,
): CustomersPageQuery {
  const order: CustomerOrder = {
    sort: request.sort ?? 'NAME',
    direction: request.direction ?? 'ASC',
  };
  const size = pageSize(request.first, 50, CUSTOMERS_PAGE_MAX);
  const after = decodeCursor('customers', request.after, isCursorKey);
  if (after && (after.sort !== order.sort || after.direction !== order.direction)) {
    throw invalidInput(
      `This cursor pages the Customers page by ${after.sort} ${after.direction}; ask with that sort and direction, or start again.`,
    );
  }
  return { criteria: customerCriteria(viewer, request.filter, now), order, size, after };
}

/**
 * R43: whether a request asks the page at asOf for more than it gives (by name ascending, every
 * customer): a search, a filter condition, another order. Blank ones ask for nothing.
 */
export function narrowsAsOfPage(request: Omit<CustomersPageRequest, 'first' | 'after'>): boolean {
  // relationshipActive: true is the default, what an asOf page shows: it narrows nothing.
  const { search, relationshipActive, ...conditions } = request.filter;
  const asked = (value: unknown) => value != null && !(Array.isArray(value) && value.length === 0);
  return (
    Boolean(search?.trim()) ||
    relationshipActive === false ||
    Object.values(conditions).some(asked) ||
    (request.sort ?? 'NAME') !== 'NAME' ||
    (request.direction ?? 'ASC') !== 'ASC'
  );
}

/** The cursor of a row in `order`. */
export const cursorIn =
  (order: CustomerOrder) =>
  (row: RelationshipRow): string =>
    encodeCursor('customers', {
      ...order,
      value: sortValue(row, order.sort),
      tenantId: row.customer_tenant_id,
    });

/**
 * R43: a row's subscriptions at a past moment, from the subscriptions read model's history (the
 * page reads those the partner could see then, `seenByPartner`): those the partner saw, cut as a
 * current row is.
 */
export function rowSubscriptionsAsOf(
  partnerTenantId: string,
  customerSubscriptions: readonly SubscriptionView[],
): RowSubscriptions {
  const seen = customerSubscriptions.filter((view) =>
    partnerMaySeeSubscription(partnerTenantId, view),
  );
  const rest = seen.slice(ROW_SUBSCRIPTIONS);
  return rowSubscriptionsOf(partnerTenantId, seen, ROW_SUBSCRIPTIONS, (groups) => {
    const firsts = new Set(
      groups.map((group) => rest.find((view) => grantsTo(view, partnerTenantId, group))),
    );
    return rest.filter((view) => firsts.has(view));
  });
}

/** Reads one page (one row more than its size says whether another follows). */
export function readPageOf(queries: CustomersQueries, query: CustomersPageQuery): CustomersPage {
  const { criteria, order, size } = query;
  const rows = queries.page(criteria, order, size + 1, query.after);
  return {
    rows: rows.slice(0, size),
    hasNextPage: rows.length > size,
    cursorOf: cursorIn(order),
    totalCount: () => queries.count(criteria),
  };
}

/** R16: one keyset page of the partner's filtered, sorted Customers page. */
export function readCustomersPage(
  queries: CustomersQueries,
  viewer: PageViewer,
  request: CustomersPageRequest,
  now: Date,
): CustomersPage {
  return readPageOf(queries, customersPageQuery(viewer, request, now));
}
