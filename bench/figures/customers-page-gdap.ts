import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { customerMapper } from '../../src/delegated-admin/customers-page/customer.mapper';
import type { Actor } from '../../src/platform/domain/actor';
import { ReadStore } from '../../src/platform/read-store/read-store';
import { createReadModels } from '../../test/support/read-model-tables';
import { PartnerSubscriptionsQueries } from '../../projections/azure-subscriptions/partner-subscriptions.queries';
import { CustomersQueries } from '../../projections/delegated-admin/customers.queries';
import {
  gdapRelationshipsProjection,
  savePairSummary,
  saveRelationshipView,
} from '../../projections/gdap/gdap-relationships.projection';
import type { BenchOptions } from '../lib/options';
import { Random } from '../lib/random';
import { activeGdapView } from '../../test/support/gdap-view';
import { buildFigure, type Figure, type Sample } from '../lib/report';
import { alternate, inScratchDir } from '../lib/scratch';
import { Latencies, nowMs } from '../lib/stats';
import { type PageQueries, PARTNER, populate, servePage } from './customers-page';

/** The partner whose customers each have a GDAP relationship: the Customers page figures' own. */
export const GDAP_PARTNER = PARTNER;
const viewer: Actor = {
  userId: 'ann',
  name: 'Ann',
  tenantId: PARTNER,
  tenantKind: 'partner',
  roles: ['AdminAgent', 'tier-two'],
};
/**
 * The GDAP read model's tables, empty (today's page) or with one relationship on every row,
 * written as its handlers write them (the view, then the pair's summary).
 */
export function withGdap(file: string, customers: number, relationships: boolean): void {
  const store = new ReadStore(file);
  store.transaction(() => {
    createReadModels(store, [gdapRelationshipsProjection]);
    if (!relationships) return;
    for (let index = 0; index < customers; index++) {
      const view = activeGdapView(PARTNER, index);
      saveRelationshipView(store, view, index + 1);
      savePairSummary(store, PARTNER, view.customerTenantId);
    }
  });
  store.db.exec('ANALYZE');
  store.close();
}

/** What a server keeps open between requests: the read store and its queries (their reader). */
interface PageReader extends PageQueries {
  store: ReadStore;
}

function openPageReader(file: string): PageReader {
  const store = new ReadStore(file);
  return {
    store,
    customers: new CustomersQueries(store),
    subscriptions: new PartnerSubscriptionsQueries(store),
  };
}

/**
 * One run: `requests` pages as the Customers page serves them (servePage): a search (the first
 * letter of a random name, so a full page), first 50, each row with its GDAP summary (joined in
 * the page's query) and relationships. The reader stays open across runs, as a server's does, so
 * what it keeps decoded is warm after the first run, as it is in a server.
 */
function pages(reader: PageReader, names: string[], requests: number, seed: number): Sample {
  const toCustomer = customerMapper(viewer);
  const random = Random.for(seed, 'customers-page-gdap');
  const latencies = new Latencies();
  let relationships = 0;
  const cpu = process.cpuUsage();
  for (let request = 0; request < requests; request++) {
    const name = names[Math.floor(random.next() * names.length)];
    const started = nowMs();
    for (const node of servePage(reader, toCustomer, { search: name.slice(0, 1) })) {
      relationships += node.delegatedAdminRelationships.length;
    }
    latencies.record(nowMs() - started);
  }
  const used = process.cpuUsage(cpu);
  const latency = latencies.percentiles();
  // CPU time per page (this thread's process, user + system): steadier than wall time on a busy machine.
  const cpuMsPerPage = (used.user + used.system) / 1000 / requests;
  return { value: latency.p99, latency, details: { relationships, cpuMsPerPage } };
}

/**
 * Figure 11 (issue 15): the Customers page with a GDAP relationship (two active assignments) on
 * every row, against the same page of the same customers without GDAP, in-process.
 */
export async function customersPageGdapFigures(options: BenchOptions): Promise<Figure[]> {
  const { sizes, requests } = options.sizes.customersPage;
  return inScratchDir(async (dir) => {
    const figures: Figure[] = [];
    for (const customers of sizes) {
      const without = join(dir, `without-${customers}.db`);
      const withRelationships = join(dir, `with-${customers}.db`);
      const names = populate(without, customers, options.seed);
      copyFileSync(without, withRelationships);
      withGdap(without, customers, false);
      withGdap(withRelationships, customers, true);
      options.log(
        `  ${customers} customers: ${requests} pages × ${options.sizes.runs} runs, with and without GDAP`,
      );
      const readers = [openPageReader(withRelationships), openPageReader(without)];
      const samples = await alternate(
        options.sizes.runs,
        () => Promise.resolve(pages(readers[0], names, requests, options.seed)),
        () => Promise.resolve(pages(readers[1], names, requests, options.seed)),
        true,
      ).finally(() => readers.forEach((reader) => reader.store.close()));
      // Each run's CPU per page beside the page without GDAP run next to it, and their ratio.
      samples.product.forEach((sample, run) => {
        const limitCpu = samples.limit[run].details?.cpuMsPerPage ?? 0;
        const cpu = sample.details?.cpuMsPerPage ?? 0;
        sample.details = {
          ...sample.details,
          limitCpuMsPerPage: limitCpu,
          cpuRatio: cpu > 0 ? limitCpu / cpu : 0,
        };
      });
      figures.push(
        buildFigure(
          {
            id: `customers-page.gdap.${customers}`,
            figure: 11,
            title: `Customers page with a GDAP relationship on every row, ${customers} customers`,
            workload: `one partner with ${customers} customers (half with DAP), each with one active GDAP relationship of three roles and two active access assignments; each request a 1-letter prefix of a random customer's name, first 50, rows mapped with their services (GDAP grants counted), subscriptions and GDAP relationships, totalCount counted; in-process, no HTTP`,
            unit: 'ms (p99)',
            better: 'lower',
            limitLabel: 'the same pages of the same customers without GDAP relationships',
            targets: (figure) => [
              { text: 'within 10 % of the page without GDAP', met: figure.ratio >= 1 / 1.1 },
            ],
          },
          samples.product,
          samples.limit,
        ),
      );
    }
    return figures;
  });
}
