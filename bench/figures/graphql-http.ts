import { mintToken } from '../../src/platform/auth/token-minter';
import type { Actor } from '../../src/platform/domain/actor';
import { scenarioFile } from '../lib/fixtures';
import { type GraphQLCall, loadGraphQL } from '../lib/load';
import type { BenchOptions } from '../lib/options';
import { buildFigure, type Figure, type Sample } from '../lib/report';
import { alternate, inScratchDir } from '../lib/scratch';
import { BENCH_SECRET, type ServerProcess, startServer } from '../lib/server';

const TRIVIAL = '{ __typename }';

const PAGE = `query CustomersPage($after: String) {
  customers(after: $after) {
    totalCount
    nodes {
      tenantId name domain relationshipSince relationshipActive
      delegatedAdmin { status roles }
      azureSubscriptions { id displayName }
      services { name adminPortalUrl usable }
      delegatedAdminRelationships { id status endDateTime autoExtendDuration roles { displayName } }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

const ACCEPT = `mutation Accept($id: ID!) {
  acceptResellerInvitation(invitationId: $id) {
    partnerTenantId customerTenantId relationshipType since delegatedAdmin { status roles }
  }
}`;

const REMOVE = `mutation Remove($partner: ID!) {
  removeDelegatedAdminPrivileges(partnerTenantId: $partner, confirm: true) {
    partnerTenantId customerTenantId delegatedAdmin { status roles }
  }
}`;

const token = (actor: Actor) =>
  mintToken(
    BENCH_SECRET,
    {
      sub: actor.userId,
      name: actor.name,
      tid: actor.tenantId,
      tenant_kind: actor.tenantKind,
      ...(actor.tenantName ? { tenant_name: actor.tenantName } : {}),
      ...(actor.tenantDomain ? { tenant_domain: actor.tenantDomain } : {}),
      roles: actor.roles,
    },
    { ttl: '12h' },
  );

/** Hands out the calls of a pool in order; running dry is a harness error, not a result. */
function pool(calls: GraphQLCall[]): () => GraphQLCall {
  let next = 0;
  return () => {
    if (next >= calls.length) throw new Error('the benchmark used more mutations than it prepared');
    return calls[next++];
  };
}

/**
 * Figure 4: GraphQL over HTTP against the server in its own process; with `pageOnly`, the
 * Customers page alone (cache off, then on), no mutations.
 */
export async function graphqlHttpFigures(
  options: BenchOptions,
  { pageOnly = false } = {},
): Promise<Figure[]> {
  const { http, runs, command } = options.sizes;
  const perPool = pageOnly ? 0 : http.mutations * (runs + 1);
  return inScratchDir(async (dir) => {
    options.log(`  preparing ${perPool} pending invitations and ${perPool} DAP grants to remove`);
    const scenario = scenarioFile(dir, {
      seed: options.seed,
      backgroundEvents: command.backgroundEvents,
      pageCustomers: http.pageCustomers,
      pendingInvitations: perPool,
      removablePairs: perPool,
    });
    const agent = await token(scenario.pagePartner.admin);
    const accepts = await Promise.all(
      scenario.pendingInvitations.map(async ({ invitationId, customer }) => ({
        token: await token(customer.admin),
        query: ACCEPT,
        variables: { id: invitationId },
      })),
    );
    const removals = await Promise.all(
      scenario.removablePairs.map(async ({ partner, customer }) => ({
        token: await token(customer.admin),
        query: REMOVE,
        variables: { partner: partner.tenantId },
      })),
    );
    options.log('  starting the server, response cache off (it catches the read models up first)');
    const server = await startServer(dir, { GRAPHQL_RESPONSE_CACHE: 'off' });
    const figures: Figure[] = [];
    try {
      figures.push(
        ...(await measure(server, options, agent, pool(accepts), pool(removals), pageOnly)),
      );
    } finally {
      await server.stop();
    }
    options.log('  starting the server again, response cache on');
    const cached = await startServer(dir, { GRAPHQL_RESPONSE_CACHE: 'on' });
    try {
      figures.push(
        ...(await measure(cached, options, agent, pool([]), pool([]), pageOnly, 'cached')),
      );
    } finally {
      await cached.stop();
    }
    return figures;
  });
}

/** The page (uncached or `cached`), then the mutations unless `pageOnly`. */
async function measure(
  server: ServerProcess,
  options: BenchOptions,
  agent: string,
  accepts: () => GraphQLCall,
  removals: () => GraphQLCall,
  pageOnly: boolean,
  cache: 'cached' | 'uncached' = 'uncached',
): Promise<Figure[]> {
  const { http, runs } = options.sizes;
  const base = { url: server.url, connections: http.connections };
  const trivial = () =>
    loadGraphQL({
      ...base,
      duration: http.seconds,
      next: () => ({ token: agent, query: TRIVIAL }),
      check: (body) => body.data?.__typename === 'Query',
    });
  const page = () =>
    loadGraphQL({
      ...base,
      duration: http.seconds,
      next: () => ({ token: agent, query: PAGE }),
      check: (body) => !body.errors && body.data?.customers?.nodes?.length > 0,
    });
  // Read-your-writes: the mutation's own answer must already show its effect.
  const accept = () =>
    loadGraphQL({
      ...base,
      amount: http.mutations,
      next: accepts,
      check: (body) =>
        !body.errors && body.data?.acceptResellerInvitation?.delegatedAdmin?.status === 'ACTIVE',
    });
  const remove = () =>
    loadGraphQL({
      ...base,
      amount: http.mutations,
      next: removals,
      check: (body) =>
        !body.errors &&
        body.data?.removeDelegatedAdminPrivileges?.delegatedAdmin?.status === 'REMOVED',
    });
  const limitLabel = `{ __typename } on the same server, ${http.connections} connections`;
  const connections = `${http.connections} connections`;
  const figures: Figure[] = [];
  const run = async (
    id: string,
    title: string,
    workload: string,
    product: () => Promise<Sample>,
    targets: (ratio: number, rate: number, p99: number) => { text: string; met: boolean }[],
  ) => {
    options.log(`  ${title} × ${runs} runs`);
    const samples = await alternate(runs, product, trivial, true);
    const failed = samples.product.reduce((sum, sample) => sum + (sample.details?.failed ?? 0), 0);
    if (failed > 0) options.log(`    ${failed} responses failed their check`);
    figures.push(
      buildFigure(
        {
          id,
          figure: 4,
          title,
          workload,
          unit: 'requests/s',
          limitLabel,
          targets: (figure) =>
            targets(
              figure.ratio,
              figure.product.median,
              figure.latencyMs?.product?.p99 ?? Infinity,
            ),
        },
        samples.product,
        samples.limit,
      ),
    );
  };
  const pageWorkload = `the partner's Customers page, first page of ${http.pageCustomers} customers with DAP, a GDAP relationship each, subscriptions and services, ${http.seconds} s per run, ${connections}`;
  if (cache === 'cached') {
    await run(
      'http.customers-page-cached',
      'GraphQL customers page (50 rows), read-model cache on',
      `${pageWorkload}; the same caller's same query, its read-model results kept (GRAPHQL_RESPONSE_CACHE=on) since no event was applied in between: GraphQL parses, validates, authorises, maps and serialises every request`,
      page,
      (ratio) => [{ text: 'ratio ≥ 0.8', met: ratio >= 0.8 }],
    );
    return figures;
  }
  await run(
    'http.customers-page',
    'GraphQL customers page (50 rows), read-model cache off',
    `${pageWorkload}; every request executed (GRAPHQL_RESPONSE_CACHE=off)`,
    page,
    (ratio) => [{ text: 'ratio ≥ 0.8', met: ratio >= 0.8 }],
  );
  if (pageOnly) return figures;
  const mutationTargets = (_: number, rate: number, p99: number) => [
    { text: '≥ 1,000/s', met: rate >= 1000 },
    { text: 'p99 ≤ 25 ms', met: p99 <= 25 },
  ];
  await run(
    'http.accept',
    'GraphQL acceptResellerInvitation',
    `${http.mutations} acceptances per run, each a new customer accepting its own pending invitation (3 streams appended), answered after its effects are visible (read-your-writes), ${connections}`,
    accept,
    mutationTargets,
  );
  await run(
    'http.remove-dap',
    'GraphQL removeDelegatedAdminPrivileges',
    `${http.mutations} removals per run, each of a different customer, answered after its effects are visible (read-your-writes), ${connections}`,
    remove,
    mutationTargets,
  );
  return figures;
}
