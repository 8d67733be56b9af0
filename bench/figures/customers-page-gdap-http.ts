import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mintToken } from '../../src/platform/auth/token-minter';
import { type GraphQLCall, loadGraphQL } from '../lib/load';
import type { BenchOptions } from '../lib/options';
import { buildFigure, type Figure, type Sample } from '../lib/report';
import { alternate, inScratchDir } from '../lib/scratch';
import { BENCH_SECRET, type ServerProcess, startServer } from '../lib/server';
import { populate } from './customers-page';
import { GDAP_PARTNER, withGdap } from './customers-page-gdap';

/** The same customers, of a partner with no GDAP relationship. */
const PLAIN_PARTNER = 'northwind-partners';

/**
 * The Customers page as figure 4 asks for it, with what the page shows of each GDAP
 * relationship (status, roles, end date, auto-extend) and which groups hold which roles.
 */
const PAGE = `query CustomersPage($search: String) {
  customers(search: $search, first: 50) {
    totalCount
    nodes {
      tenantId name domain relationshipSince relationshipActive
      delegatedAdmin { status roles since }
      azureSubscriptions { id displayName }
      services { name adminPortalUrl usable reason rule }
      delegatedAdminRelationships {
        id displayName status endDateTime autoExtendDuration roles { roleTemplateId displayName }
        accessAssignments { id securityGroupId status roles { displayName } }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

const tokenOf = (partnerTenantId: string) =>
  mintToken(
    BENCH_SECRET,
    {
      sub: 'ann',
      name: 'Ann',
      tid: partnerTenantId,
      tenant_kind: 'partner',
      roles: ['AdminAgent', 'tier-two'],
    },
    { ttl: '12h' },
  );

/** User plus system CPU of the server process (all its threads) so far, in ms (Linux /proc). */
function cpuMs(server: ServerProcess): number {
  const stat = readFileSync(`/proc/${server.child.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** One run: `requests` pages one after another (one connection), with the server's CPU per page. */
async function pages(
  server: ServerProcess,
  token: string,
  names: string[],
  requests: number,
  seed: number,
): Promise<Sample> {
  let call = 0;
  const calls: GraphQLCall[] = Array.from({ length: requests }, () => ({
    token,
    query: PAGE,
    // The first letter of a customer's name, so pages are full (as in-process).
    variables: { search: names[(seed + call++ * 7919) % names.length].slice(0, 1) },
  }));
  let next = 0;
  const cpuBefore = cpuMs(server);
  const sample = await loadGraphQL({
    url: server.url,
    connections: 1,
    amount: requests,
    next: () => calls[next++ % calls.length],
    check: (body) => !body.errors && body.data?.customers?.nodes?.length > 0,
  });
  const cpu = cpuMs(server) - cpuBefore;
  if (sample.details?.failed) throw new Error('a Customers page request failed');
  return {
    value: sample.latency!.p50,
    latency: sample.latency,
    details: { serverCpuMsPerPage: cpu / requests },
  };
}

/**
 * Figure 11 through GraphQL: the server in its own process (response cache off, so every
 * request reads its read models), the page above for a partner with one GDAP relationship on
 * every row against the same page of the same customers for a partner without any.
 */
export async function customersPageGdapHttpFigures(options: BenchOptions): Promise<Figure[]> {
  const customers = options.sizes.customersPage.sizes[0];
  const { requests } = options.sizes.customersPage;
  return inScratchDir(async (dir) => {
    const server = await startServer(dir, { GRAPHQL_RESPONSE_CACHE: 'off' });
    try {
      // Written beside the running server, as its handlers would have written them.
      const file = join(dir, 'read-models.db');
      const names = populate(file, customers, options.seed, GDAP_PARTNER);
      populate(file, customers, options.seed, PLAIN_PARTNER);
      withGdap(file, customers, true);
      options.log(
        `  ${customers} customers through GraphQL: ${requests} pages × ${options.sizes.runs} runs, with and without GDAP`,
      );
      const withToken = await tokenOf(GDAP_PARTNER);
      const withoutToken = await tokenOf(PLAIN_PARTNER);
      const samples = await alternate(
        options.sizes.runs,
        () => pages(server, withToken, names, requests, options.seed),
        () => pages(server, withoutToken, names, requests, options.seed),
        true,
      );
      samples.product.forEach((sample, run) => {
        const limitCpu = samples.limit[run].details?.serverCpuMsPerPage ?? 0;
        const cpu = sample.details?.serverCpuMsPerPage ?? 0;
        sample.details = {
          ...sample.details,
          limitServerCpuMsPerPage: limitCpu,
          cpuRatio: cpu > 0 ? limitCpu / cpu : 0,
        };
      });
      return [
        buildFigure(
          {
            id: `customers-page.gdap.graphql.${customers}`,
            figure: 11,
            title: `Customers page with a GDAP relationship on every row through GraphQL, ${customers} customers`,
            workload: `the server in its own process (response cache off), one request at a time over HTTP: a partner with ${customers} customers (half with DAP), each with one active GDAP relationship of three roles and two active access assignments; each request a 1-letter prefix of a customer's name, first 50, totalCount, the rows with their services, subscriptions and GDAP relationships (status, roles, end date, auto-extend, assignments with their roles); details.serverCpuMsPerPage is the server's CPU (all threads) per page`,
            unit: 'ms (p50)',
            better: 'lower',
            limitLabel:
              'the same query on the same customers of a partner without GDAP relationships',
            targets: () => [],
          },
          samples.product,
          samples.limit,
        ),
      ];
    } finally {
      await server.stop();
    }
  });
}
