import { join } from 'node:path';
import { subscriptionsProjection } from '../../projections/azure-subscriptions/subscriptions.projection';
import { SubscriptionsQueries } from '../../projections/azure-subscriptions/subscriptions.queries';
import { rowSubscriptionsAsOf } from '../../src/delegated-admin/customers-page/customers-page';
import { ReadStore } from '../../src/platform/read-store/read-store';
import { createReadModels } from '../../test/support/read-model-tables';
import type { BenchOptions } from '../lib/options';
import { buildFigure, type Figure, type Sample } from '../lib/report';
import { alternate, inScratchDir } from '../lib/scratch';
import { Latencies, nowMs } from '../lib/stats';

const PARTNER = 'contoso-partners';
const OTHER = 'northwind-partners';
const CUSTOMERS = Array.from({ length: 50 }, (_, index) => `customer-${index}`);
const CREATED = '2025-01-01T00:00:00.000Z';
const AS_OF = new Date('2026-01-01T00:00:00.000Z');

/**
 * The subscriptions read model, as its handlers lay it out: each of 50 customers holds two
 * subscriptions of the partner (its Admin Agents Owner) and `others` of another partner (two
 * roles each).
 */
function populate(file: string, others: number): void {
  const store = new ReadStore(file);
  store.transaction(() => {
    createReadModels(store, [subscriptionsProjection]);
    const subscription = store.db.prepare(
      `INSERT INTO azure_subscriptions VALUES (?, ?, ?, ?, '${CREATED}', NULL)`,
    );
    const role = store.db.prepare(
      `INSERT INTO subscription_role_assignments (assignment_id, subscription_id,
         customer_tenant_id, role, role_definition_id, principal_kind, partner_tenant_id,
         partner_group, user_id, assigned_at, removed_at)
       VALUES (?, ?, ?, 'OWNER', 'owner', 'PARTNER_GROUP', ?, ?, NULL, '${CREATED}', NULL)`,
    );
    const add = (customer: string, partner: string, id: string, groups: string[]) => {
      subscription.run(id, `Subscription ${id}`, customer, partner);
      groups.forEach((group) => role.run(`${id}-${group}`, id, customer, partner, group));
    };
    for (const customer of CUSTOMERS) {
      for (let index = 0; index < 2; index++)
        add(customer, PARTNER, `${customer}-own-${index}`, ['ADMIN_AGENTS']);
      for (let index = 0; index < others; index++)
        add(customer, OTHER, `${customer}-other-${index}`, ['ADMIN_AGENTS', 'HELPDESK_AGENTS']);
    }
  });
  store.close();
}

/** `requests` past pages' subscriptions, as the Customers page reads them at asOf. */
function pastPages(file: string, requests: number): Sample {
  const store = new ReadStore(file);
  try {
    const queries = new SubscriptionsQueries(store);
    const latencies = new Latencies();
    let listed = 0;
    for (let request = 0; request < requests; request++) {
      const started = nowMs();
      const seen = queries.seenByPartner(PARTNER, CUSTOMERS, AS_OF);
      for (const customer of CUSTOMERS)
        listed += rowSubscriptionsAsOf(PARTNER, seen.get(customer) ?? []).listed.length;
      latencies.record(nowMs() - started);
    }
    const latency = latencies.percentiles();
    return { value: latency.p50, latency, details: { listed } };
  } finally {
    store.close();
  }
}

/**
 * Figure 12, past page: the subscriptions of a Customers page `asOf` (50 customers), when each
 * customer also holds `others` subscriptions of another partner, against the same page when it
 * holds none. Since version 3 of the read model the page reads the partner's subscriptions and
 * role assignments by (partner, customer), never the others': no target, a measure that its cost
 * does not grow with them.
 */
export async function pastPageSubscriptionsFigures(options: BenchOptions): Promise<Figure[]> {
  const { others, requests } = options.sizes.pastPage;
  return inScratchDir(async (dir) => {
    const crowded = join(dir, 'crowded.db');
    const alone = join(dir, 'alone.db');
    populate(crowded, others);
    populate(alone, 0);
    options.log(
      `  past Customers page of 50, ${others} subscriptions of another partner in each customer: ${requests} pages × ${options.sizes.runs} runs`,
    );
    const samples = await alternate(
      options.sizes.runs,
      () => Promise.resolve(pastPages(crowded, requests)),
      () => Promise.resolve(pastPages(alone, requests)),
      true,
    );
    return [
      buildFigure(
        {
          id: `page-growth.past-page.${others}`,
          figure: 12,
          title: `past Customers page's subscriptions, ${others} of another partner in each customer, against none`,
          workload: `the subscriptions of a Customers page asOf: 50 customers, each with 2 of the partner's subscriptions and ${others} of another partner's (2 role assignments each); read and cut to rows; in-process`,
          unit: 'ms (p50)',
          better: 'lower',
          limitLabel: 'the same page with no other partner in its customers',
        },
        samples.product,
        samples.limit,
      ),
    ];
  });
}
