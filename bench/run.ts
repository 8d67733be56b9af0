import 'reflect-metadata';
import { loadavg } from 'node:os';
import { appendFigures } from './figures/append';
import { commandPathFigures } from './figures/command-path';
import { customersPageFigures } from './figures/customers-page';
import { pageGrowthFigures } from './figures/page-growth';
import { pastPageSubscriptionsFigures } from './figures/past-page-subscriptions';
import { customersPageGdapFigures } from './figures/customers-page-gdap';
import { customersPageGdapHttpFigures } from './figures/customers-page-gdap-http';
import { graphqlHttpFigures } from './figures/graphql-http';
import { projectionLagFigures } from './figures/projection-lag';
import { rebuildFigures } from './figures/rebuild';
import { rebuildEachFigures } from './figures/rebuild-each';
import { rebuildWritesFigures } from './figures/rebuild-writes';
import { revocationFigures } from './figures/revocation';
import { scaleoutFigures } from './figures/scaleout';
import { soakFigures } from './figures/soak';
import { startupFigures } from './figures/startup';
import {
  BenchUsageError,
  type BenchOptions,
  type FigureName,
  parseOptions,
  USAGE,
} from './lib/options';
import { type Figure, machineInfo, renderTable, type Report, writeReport } from './lib/report';

const FIGURES: Record<
  FigureName,
  { title: string; run: (options: BenchOptions) => Promise<Figure[]> }
> = {
  append: { title: '1. append through the event store port', run: appendFigures },
  command: { title: '2. command path in-process', run: commandPathFigures },
  rebuild: { title: '3. rebuild every projection', run: rebuildFigures },
  'rebuild-each': {
    title: '3. rebuild each projection alone',
    run: rebuildEachFigures,
  },
  http: { title: '4. GraphQL over HTTP (server in its own process)', run: graphqlHttpFigures },
  'http-page': {
    title: '4. the Customers page alone over HTTP, cache off and on (server in its own process)',
    run: (options) => graphqlHttpFigures(options, { pageOnly: true }),
  },
  lag: { title: '5. projection lag under sustained load', run: projectionLagFigures },
  startup: {
    title: '6. start-up, memory and recovery (server in its own process)',
    run: startupFigures,
  },
  revocation: {
    title: '7. a DAP removal while the partner hammers the pair (in-process)',
    run: revocationFigures,
  },
  pages: {
    title: '8. the Customers page with a search and a filter (in-process)',
    run: customersPageFigures,
  },
  scaleout: {
    title:
      '9. several instances on one EventStoreDB (the gRPC double; servers in their own processes)',
    run: scaleoutFigures,
  },
  soak: {
    title: '10. RSS and write latency over a steady-rate soak (server in its own process)',
    run: soakFigures,
  },
  'gdap-pages': {
    title: '11. the Customers page with GDAP relationships on every row (in-process, then GraphQL)',
    run: async (options) => [
      ...(await customersPageGdapFigures(options)),
      ...(await customersPageGdapHttpFigures(options)),
    ],
  },
  'page-growth': {
    title:
      '12. a page of 50 as the data grows: Customers page, audit log, a past page among other partners (in-process)',
    run: async (options) => [
      ...(await pageGrowthFigures(options)),
      ...(await pastPageSubscriptionsFigures(options)),
    ],
  },
  'rebuild-writes': {
    title: '13. mutation latency while every read model is rebuilt blue/green (in-process)',
    run: rebuildWritesFigures,
  },
};

/** Runs the chosen figures, prints the table and writes the JSON report. */
export async function runBench(options: BenchOptions): Promise<Report> {
  const startedAt = new Date().toISOString();
  const loadAtStart = loadavg();
  const figures: Figure[] = [];
  for (const name of options.only) {
    const { title, run } = FIGURES[name];
    options.log(`${title} (${options.mode})`);
    const started = Date.now();
    figures.push(...(await run(options)));
    options.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  const report: Report = {
    startedAt,
    finishedAt: new Date().toISOString(),
    mode: options.mode,
    machine: machineInfo(loadAtStart),
    notes: [
      'ratio = product/limit for rates, limit/product for times and memory: 1.00 means at the limit.',
      'Each figure is the median of its runs (min–max beside it); latencies are the median of each run’s percentiles.',
    ],
    figures,
  };
  writeReport(options.out, report);
  options.log(`\n${renderTable(figures)}\n\nwritten to ${options.out}`);
  return report;
}

function optionsOrExit(argv: readonly string[]): BenchOptions {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    process.exit(0);
  }
  try {
    return parseOptions(argv);
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error;
    console.error(`${error.message}\n${USAGE}`);
    process.exit(2);
  }
}

if (require.main === module) {
  runBench(optionsOrExit(process.argv.slice(2))).catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  });
}
