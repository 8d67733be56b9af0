import type { Writable } from 'node:stream';
import { once } from 'node:events';
import type { Actor } from '../../platform/domain/actor';
import { pageViewerOf } from '../domain/customer-search';
import type { CustomersQueries } from '../../../projections/delegated-admin/customers.queries';
import {
  NO_SUBSCRIPTIONS,
  type PartnerSubscriptionsQueries,
} from '../../../projections/azure-subscriptions/partner-subscriptions.queries';
import { customerMapper } from './customer.mapper';
import { CUSTOMERS_CSV_HEADER, customerCsvLine } from './customers-csv';
import { CUSTOMERS_PAGE_MAX, type CustomersPageRequest, readCustomersPage } from './customers-page';

/**
 * Writes the filtered, sorted Customers page as `viewer` sees it to `out` as CSV, page by page
 * (keyset): memory stays the size of one page whatever the number of customers.
 */
export async function exportCustomers(
  customers: CustomersQueries,
  subscriptions: PartnerSubscriptionsQueries,
  viewer: Actor,
  request: Omit<CustomersPageRequest, 'first' | 'after'>,
  out: Writable,
): Promise<number> {
  const now = new Date();
  const toCustomer = customerMapper(viewer, now);
  const pageViewer = pageViewerOf(viewer);
  let after: string | null = null;
  let written = 0;
  for (;;) {
    const page = readCustomersPage(
      customers,
      pageViewer,
      {
        ...request,
        first: CUSTOMERS_PAGE_MAX,
        after,
      },
      now,
    );
    const ids = page.rows.map((row) => row.customer_tenant_id);
    const ofCustomers = subscriptions.rowsOf(viewer.tenantId, ids);
    const gdapOf = customers.pairSummaries.summariesOf(viewer.tenantId, ids);
    // The first page is read before anything is written: a refused request writes nothing.
    const header = after === null ? CUSTOMERS_CSV_HEADER : '';
    const text =
      header +
      page.rows
        .map((row) =>
          customerCsvLine(
            toCustomer(
              row,
              ofCustomers.get(row.customer_tenant_id) ?? NO_SUBSCRIPTIONS,
              gdapOf.get(row.customer_tenant_id),
            ),
          ),
        )
        .join('');
    written += page.rows.length;
    if (text && !out.write(text)) await once(out, 'drain');
    const last = page.rows.at(-1);
    if (!page.hasNextPage || !last) return written;
    after = page.cursorOf(last);
  }
}
