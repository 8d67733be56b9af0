import {
  CUSTOMER_SORTS,
  type CustomerFilterInput,
  customerCriteria,
  type CustomerSort,
  type PageViewer,
  type SortDirection,
} from '../domain/customer-search';
import { invalidInput } from '../../platform/domain/domain-error';
import { decodeCursor, encodeCursor, pageSize } from '../../platform/graphql/cursor';
import {
  type CustomerOrder,
  CustomersQueries,
  type RelationshipRow,
  sortValue,
} from '../../../projections/delegated-admin/customers.queries';

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

const isCursorKey = (value: unknown): value is CursorKey => {
  const key = value as CursorKey;
  return (
    typeof value === 'object' &&
    value !== null &&
    CUSTOMER_SORTS.includes(key.sort) &&
    (key.direction === 'ASC' || key.direction === 'DESC') &&
    typeof key.value === 'string' &&
    typeof key.tenantId === 'string'
  );
};

export const CUSTOMERS_PAGE_MAX = 500;

/** R16: one keyset page of the partner's filtered, sorted Customers page. */
export function readCustomersPage(
  queries: CustomersQueries,
  viewer: PageViewer,
  request: CustomersPageRequest,
): CustomersPage {
  const order: CustomerOrder = {
    sort: request.sort ?? 'NAME',
    direction: request.direction ?? 'ASC',
  };
  const size = pageSize(request.first, 50, CUSTOMERS_PAGE_MAX);
  const key = decodeCursor(request.after, isCursorKey);
  if (key && (key.sort !== order.sort || key.direction !== order.direction)) {
    throw invalidInput(
      `This cursor pages the Customers page by ${key.sort} ${key.direction}; ask with that sort and direction, or start again.`,
    );
  }
  const criteria = customerCriteria(viewer, request.filter);
  const rows = queries.page(criteria, order, size + 1, key);
  return {
    rows: rows.slice(0, size),
    hasNextPage: rows.length > size,
    cursorOf: (row) =>
      encodeCursor({
        ...order,
        value: sortValue(row, order.sort),
        tenantId: row.customer_tenant_id,
      }),
    totalCount: () => queries.count(criteria),
  };
}
