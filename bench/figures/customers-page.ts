import { join } from 'node:path';
import { customerMapper } from '../../src/delegated-admin/customers-page/customer.mapper';
import type { Customer } from '../../src/delegated-admin/customers-page/customer.types';
import { readCustomersPage } from '../../src/delegated-admin/customers-page/customers-page';
import {
  type CustomerFilterInput,
  searchKey,
} from '../../src/delegated-admin/domain/customer-search';
import type { Actor } from '../../src/platform/domain/actor';
import { ReadStore } from '../../src/platform/read-store/read-store';
import { createReadModels } from '../../test/support/read-model-tables';
import { customersProjection } from '../../projections/delegated-admin/customers.projection';
import { CustomersQueries } from '../../projections/delegated-admin/customers.queries';
import { RELATIONSHIP_COLUMNS } from '../../projections/delegated-admin/relationship-row';
import { partnerSubscriptionsProjection } from '../../projections/azure-subscriptions/partner-subscriptions.projection';
import {
  NO_SUBSCRIPTIONS,
  PartnerSubscriptionsQueries,
} from '../../projections/azure-subscriptions/partner-subscriptions.queries';
import { gdapRelationshipsProjection } from '../../projections/gdap/gdap-relationships.projection';
import type { BenchOptions } from '../lib/options';
import { Random } from '../lib/random';
import { buildFigure, type Figure, type Sample } from '../lib/report';
import { alternate, inScratchDir } from '../lib/scratch';
import { Latencies, nowMs } from '../lib/stats';

export const PARTNER = 'contoso-partners';
const viewer: Actor = {
  userId: 'ann',
  name: 'Ann',
  tenantId: PARTNER,
  tenantKind: 'partner',
  roles: ['AdminAgent'],
};
const FIRST = [
  'Ålesund',
  'Émile',
  'Fabrikam',
  'Contoso',
  'Northwind',
  'Tailspin',
  'Wingtip',
  'Adatum',
  'Litware',
  'Proseware',
  'Fourth',
  'Graphic',
  'Lucerne',
  'Margie',
  'Coho',
  'Woodgrove',
  'Alpine',
  'Blue',
  'Consolidated',
  'Datum',
  'Humongous',
  'Trey',
  'Wide',
  'Zava',
  'Relecloud',
  'Café',
  'Søren',
  'Ørsted',
  'Mañana',
  'Über',
];
const SECOND = [
  'Messaging',
  'Travel',
  'Traders',
  'Toys',
  'Bank',
  'Publishing',
  'Winery',
  'Insurance',
  'Logistics',
  'Foods',
  'Studios',
  'Design',
  'Partners',
  'Holdings',
  'Labs',
];

/**
 * A partner (by default contoso-partners) with `customers` customers in the read model, as the
 * customers projection writes them (relationship-row.ts columns), half with DAP, their names drawn
 * from FIRST × SECOND (the same for every partner with the same seed).
 */
export function populate(
  file: string,
  customers: number,
  seed: number,
  partnerTenantId = PARTNER,
): string[] {
  const store = new ReadStore(file);
  const random = Random.for(seed, 'customers-page');
  const names: string[] = [];
  const insert = `INSERT INTO customers (${RELATIONSHIP_COLUMNS.join(', ')})
    VALUES (${RELATIONSHIP_COLUMNS.map((column) => `@${column}`).join(', ')})`;
  store.transaction(() => {
    // The page's query joins each row's GDAP summary (none here: figure 11 adds them) and
    // filters by the partner's subscriptions.
    createReadModels(store, [
      customersProjection,
      partnerSubscriptionsProjection,
      gdapRelationshipsProjection,
    ]);
    for (let index = 0; index < customers; index++) {
      const name = `${FIRST[Math.floor(random.next() * FIRST.length)]} ${SECOND[Math.floor(random.next() * SECOND.length)]} ${index}`;
      const domain = `${searchKey(name).replace(/[^a-z0-9]+/g, '')}.onmicrosoft.com`;
      const dap = random.next() < 0.5;
      const since = new Date(Date.UTC(2024, 0, 1) + index * 60_000).toISOString();
      names.push(name);
      store.run(insert, {
        partner_tenant_id: partnerTenantId,
        customer_tenant_id: `customer-${index}`,
        partner_name: 'Contoso Partners',
        customer_name: name,
        customer_domain: domain,
        relationship_since: since,
        active: 1,
        dap_status: dap ? 'ACTIVE' : 'NONE',
        dap_roles: dap ? '["Global Administrator","Helpdesk Administrator"]' : '[]',
        dap_changed_at: dap ? since : null,
        search_name: searchKey(name),
        search_domain: domain,
        reseller_active: 1,
        reseller_since: since,
        gdap_in_force: 0,
      });
    }
  });
  store.db.exec('ANALYZE');
  store.close();
  return names;
}

/** What serves a page: a read store's customers and subscriptions queries. */
export interface PageQueries {
  customers: CustomersQueries;
  subscriptions: PartnerSubscriptionsQueries;
}

/**
 * One Customers page of 50 as customers.resolver.ts serves it to the partner's Admin Agents: the
 * page read, its rows' subscriptions and GDAP summaries, each row mapped, totalCount counted.
 */
export function servePage(
  queries: PageQueries,
  toCustomer: ReturnType<typeof customerMapper>,
  filter: CustomerFilterInput,
): Customer[] {
  const { customers, subscriptions } = queries;
  const page = readCustomersPage(
    customers,
    { partnerTenantId: PARTNER, roles: ['ADMIN_AGENT'], groups: ['ADMIN_AGENTS'] },
    { filter, first: 50 },
    new Date(),
  );
  const ids = page.rows.map((row) => row.customer_tenant_id);
  const ofCustomers = subscriptions.rowsOf(PARTNER, ids);
  const gdapOf = customers.pairSummaries.summariesOf(PARTNER, ids);
  const nodes = page.rows.map((row) =>
    toCustomer(
      row,
      ofCustomers.get(row.customer_tenant_id) ?? NO_SUBSCRIPTIONS,
      gdapOf.get(row.customer_tenant_id),
    ),
  );
  page.totalCount();
  return nodes;
}

/** One run: `requests` pages, each a search (3 letters of a random name) with a DAP filter. */
function searchedPages(file: string, names: string[], requests: number, seed: number): Sample {
  const store = new ReadStore(file);
  try {
    const queries = {
      customers: new CustomersQueries(store),
      subscriptions: new PartnerSubscriptionsQueries(store),
    };
    const toCustomer = customerMapper(viewer);
    const random = Random.for(seed, 'customers-page-searches');
    const latencies = new Latencies();
    let rows = 0;
    for (let request = 0; request < requests; request++) {
      const name = names[Math.floor(random.next() * names.length)];
      const started = nowMs();
      const filter = { search: name.slice(0, 3), delegatedAdminStatus: ['ACTIVE' as const] };
      rows += servePage(queries, toCustomer, filter).length;
      latencies.record(nowMs() - started);
    }
    const latency = latencies.percentiles();
    return { value: latency.p99, latency, details: { rows } };
  } finally {
    store.close();
  }
}

/** The floor: the partner's first 50 rows by name, read raw from the same index. */
function rawPages(file: string, requests: number): Sample {
  const store = new ReadStore(file);
  try {
    const statement = store.db.prepare(
      'SELECT * FROM customers WHERE partner_tenant_id = ? AND active = 1 ORDER BY search_name LIMIT 50',
    );
    const latencies = new Latencies();
    for (let request = 0; request < requests; request++) {
      const started = nowMs();
      statement.all(PARTNER);
      latencies.record(nowMs() - started);
    }
    const latency = latencies.percentiles();
    return { value: latency.p99, latency };
  } finally {
    store.close();
  }
}

/** Figure 8: the Customers page with a search and a filter, at each size, in-process. */
export async function customersPageFigures(options: BenchOptions): Promise<Figure[]> {
  const { sizes, requests } = options.sizes.customersPage;
  return inScratchDir(async (dir) => {
    const figures: Figure[] = [];
    for (const customers of sizes) {
      const file = join(dir, `read-models-${customers}.db`);
      const names = populate(file, customers, options.seed);
      options.log(
        `  ${customers} customers: ${requests} searched pages × ${options.sizes.runs} runs`,
      );
      const samples = await alternate(
        options.sizes.runs,
        () => Promise.resolve(searchedPages(file, names, requests, options.seed)),
        () => Promise.resolve(rawPages(file, requests)),
        true,
      );
      figures.push(
        buildFigure(
          {
            id: `customers-page.search-filter.${customers}`,
            figure: 8,
            title: `Customers page with a search and a DAP filter, ${customers} customers`,
            workload: `one partner with ${customers} customers (half with DAP); each request a 3-letter prefix of a random customer's name and delegatedAdminStatus: [ACTIVE], first 50, rows mapped with their services and subscriptions, totalCount counted; in-process, no HTTP`,
            unit: 'ms (p99)',
            better: 'lower',
            limitLabel:
              'the first 50 rows by name read raw from the same index (no search, no filter)',
          },
          samples.product,
          samples.limit,
        ),
      );
    }
    return figures;
  });
}
