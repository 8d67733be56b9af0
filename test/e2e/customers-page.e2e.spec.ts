import { appForSuite, acceptedCustomers } from '../support/app';
import { people } from '../support/tenants';

const PAGE = `query ($first: Int, $after: String) { customers(first: $first, after: $after) {
  totalCount nodes { tenantId } edges { cursor node { tenantId } } pageInfo { hasNextPage endCursor } } }`;
const NODES_ONLY = `query ($first: Int, $after: String) { customers(first: $first, after: $after) {
  nodes { tenantId } pageInfo { hasNextPage endCursor } } }`;

describe('the partner’s Customers page over GraphQL', () => {
  const app = appForSuite();
  let ann: string;
  const customers = 5;

  beforeAll(async () => {
    ann = await app.token(people.ann);
    await acceptedCustomers(app, ann, customers);
  });

  it('R16: every edge holds its node, and its cursor pages on from that row', async () => {
    const page = (await app.gql(ann, PAGE, { first: 3 })).data.customers;
    expect(page.totalCount).toBe(customers);
    expect(page.edges.map((edge: { node: unknown }) => edge.node)).toEqual(page.nodes);
    expect(page.pageInfo).toEqual({ hasNextPage: true, endCursor: page.edges[2].cursor });
    const all = (await app.gql(ann, PAGE, { first: 10 })).data.customers.nodes;
    const afterFirst = (await app.gql(ann, PAGE, { first: 10, after: page.edges[0].cursor })).data
      .customers;
    expect(afterFirst.nodes).toEqual(all.slice(1));
    expect(afterFirst.pageInfo.hasNextPage).toBe(false);
  });

  it('R16: the end cursor pages on the same whether or not edges were asked for', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = (await app.gql(ann, NODES_ONLY, { first: 2, after })).data.customers;
      seen.push(...page.nodes.map((node: { tenantId: string }) => node.tenantId));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    const all = (await app.gql(ann, PAGE, { first: 10 })).data.customers.nodes;
    expect(seen).toEqual(all.map((node: { tenantId: string }) => node.tenantId));
  });
});
