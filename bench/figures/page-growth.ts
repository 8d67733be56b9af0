import { join } from 'node:path';
import { auditProjection } from '../../projections/audit/audit.projection';
import { AuditQueries } from '../../projections/audit/audit.queries';
import { STORED_COLUMNS } from '../../projections/audit/audit-columns';
import { CustomersQueries } from '../../projections/delegated-admin/customers.queries';
import { readCustomersPage } from '../../src/delegated-admin/customers-page/customers-page';
import { ReadStore } from '../../src/platform/read-store/read-store';
import { createReadModels } from '../../test/support/read-model-tables';
import type { BenchOptions } from '../lib/options';
import { Random } from '../lib/random';
import { buildFigure, type Figure, type Sample } from '../lib/report';
import { alternate, inScratchDir } from '../lib/scratch';
import { Latencies, nowMs } from '../lib/stats';
import { populate } from './customers-page';

const PARTNER = 'contoso-partners';
/** Each customer's share of the log: a customer's page is full at every size. */
const ENTRIES_PER_CUSTOMER = 100;
const customersIn = (entries: number) => Math.max(1, Math.floor(entries / ENTRIES_PER_CUSTOMER));

/** `entries` audit rows of one partner's customers (100 each), as the projection lays them out. */
function populateAudit(file: string, entries: number): void {
  const store = new ReadStore(file);
  store.transaction(() => {
    createReadModels(store, [auditProjection]);
    const insert = store.db.prepare(
      `INSERT INTO audit_log (${STORED_COLUMNS.join(', ')})
       VALUES (${STORED_COLUMNS.map((column) => `@${column}`).join(', ')})`,
    );
    for (let position = 1; position <= entries; position++) {
      const customer = `customer-${position % customersIn(entries)}`;
      insert.run({
        position,
        occurred_at: new Date(Date.UTC(2025, 0, 1) + position * 1000).toISOString(),
        type: 'RelationshipRequested',
        stream_id: `relationship-${PARTNER}_${customer}`,
        event_id: `event-${position}`,
        revision: 0,
        actor_user_id: 'ann',
        actor_name: 'Ann',
        actor_tenant_id: PARTNER,
        actor_tenant_kind: 'partner',
        actor_tenant_name: 'Contoso Partners',
        actor_roles: '["AdminAgent"]',
        partner_tenant_id: PARTNER,
        customer_tenant_id: customer,
        correlation_id: `correlation-${position}`,
        summary: `Contoso Partners asked ${customer} for a reseller relationship`,
        hash: position.toString(16).padStart(64, '0'),
      });
    }
  });
  store.db.exec('ANALYZE');
  store.close();
}

/** `requests` timed pages, as the API reads them when totalCount is not asked for. */
function timedPages(requests: number, seed: number, page: (random: Random) => number): Sample {
  const random = Random.for(seed, 'page-growth');
  const latencies = new Latencies();
  let rows = 0;
  for (let request = 0; request < requests; request++) {
    const started = nowMs();
    rows += page(random);
    latencies.record(nowMs() - started);
  }
  const latency = latencies.percentiles();
  return { value: latency.p50, latency, details: { rows } };
}

function customersPages(file: string, requests: number, seed: number): Sample {
  const store = new ReadStore(file);
  try {
    const queries = new CustomersQueries(store);
    const viewer = {
      partnerTenantId: PARTNER,
      roles: ['ADMIN_AGENT' as const],
      groups: ['ADMIN_AGENTS'],
    };
    return timedPages(
      requests,
      seed,
      () => readCustomersPage(queries, viewer, { filter: {}, first: 50 }, new Date()).rows.length,
    );
  } finally {
    store.close();
  }
}

function auditPages(file: string, entries: number, requests: number, seed: number): Sample {
  const store = new ReadStore(file);
  try {
    const queries = new AuditQueries(store);
    return timedPages(requests, seed, (random) => {
      const before = 51 + Math.floor(random.next() * (entries - 50));
      const customer = `customer-${Math.floor(random.next() * customersIn(entries))}`;
      const everything = queries.newestFirst({ kind: 'everything' }, {}, 50, before);
      const ofCustomer = queries.newestFirst(
        { kind: 'customer', customerTenantId: customer },
        {},
        50,
        null,
      );
      return everything.length + ofCustomer.length;
    });
  } finally {
    store.close();
  }
}

/**
 * Figure 12 (issue 17): a page of 50 costs the same however much data there is, when totalCount is
 * not asked for (it is computed only when asked). The product is the page at the large size, the
 * limit the same page at the small size; target: within 20 %.
 */
export async function pageGrowthFigures(options: BenchOptions): Promise<Figure[]> {
  const { customers, auditEntries, requests } = options.sizes.pageGrowth;
  return inScratchDir(async (dir) => {
    const [smallCustomers, largeCustomers] = customers.map((size) => {
      const file = join(dir, `customers-${size}.db`);
      populate(file, size, options.seed);
      return { file, size };
    });
    const [smallAudit, largeAudit] = auditEntries.map((size) => {
      const file = join(dir, `audit-${size}.db`);
      populateAudit(file, size);
      return { file, size };
    });
    options.log(
      `  Customers page at ${customers.join(' and ')} customers, audit log at ${auditEntries.join(' and ')} entries: ${requests} pages × ${options.sizes.runs} runs`,
    );
    const growth = (large: number, small: number) => ({
      unit: 'ms (p50)',
      better: 'lower' as const,
      limitLabel: `the same page at ${small.toLocaleString('en')}`,
      targets: (figure: { ratio: number }) => [
        {
          text: `within 20 % of the page at ${small.toLocaleString('en')} (ratio ≥ 0.83)`,
          met: figure.ratio >= 1 / 1.2,
        },
      ],
      figure: 12,
      title: `page of 50 at ${large.toLocaleString('en')} against ${small.toLocaleString('en')}`,
    });
    const customerSamples = await alternate(
      options.sizes.runs,
      () => Promise.resolve(customersPages(largeCustomers.file, requests, options.seed)),
      () => Promise.resolve(customersPages(smallCustomers.file, requests, options.seed)),
      true,
    );
    const auditSamples = await alternate(
      options.sizes.runs,
      () => Promise.resolve(auditPages(largeAudit.file, largeAudit.size, requests, options.seed)),
      () => Promise.resolve(auditPages(smallAudit.file, smallAudit.size, requests, options.seed)),
      true,
    );
    return [
      buildFigure(
        {
          id: `page-growth.customers.${largeCustomers.size}`,
          workload: `one partner's Customers page, first 50 by name, mapped rows not included, no totalCount; in-process`,
          ...growth(largeCustomers.size, smallCustomers.size),
          title: `Customers page of 50 at ${largeCustomers.size.toLocaleString('en')} customers against ${smallCustomers.size.toLocaleString('en')}`,
        },
        customerSamples.product,
        customerSamples.limit,
      ),
      buildFigure(
        {
          id: `page-growth.audit.${largeAudit.size}`,
          workload: `auditLog pages of 50 newest first: one for the Operator before a random position, one for a random customer's Global admin (100 entries per customer, so more customers as the log grows); no totalCount; in-process`,
          ...growth(largeAudit.size, smallAudit.size),
          title: `audit log page of 50 at ${largeAudit.size.toLocaleString('en')} entries against ${smallAudit.size.toLocaleString('en')}`,
        },
        auditSamples.product,
        auditSamples.limit,
      ),
    ];
  });
}
