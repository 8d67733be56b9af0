import request from 'supertest';
import { READ_STORE, type ReadStore } from '../../src/platform/read-store/read-store';
import { appForSuite, acceptedCustomers } from '../support/app';
import { customerAdmin, people } from '../support/tenants';

const REQUEST = `mutation { requestResellerRelationship(input: { includeDelegatedAdmin: true }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { customerTenantId } }`;
const REMOVE = `mutation ($partner: ID!) { removeDelegatedAdminPrivileges(partnerTenantId: $partner, confirm: true) { delegatedAdmin { status } } }`;
const PAGE = `query Page($first: Int) { customers(first: $first) {
  totalCount nodes { tenantId name delegatedAdmin { status } services { name usable } } } }`;

type Node = { tenantId: string; name: string; delegatedAdmin: { status: string } };
const nodeOf = (page: any, tenantId: string): Node =>
  page.data.customers.nodes.find((node: Node) => node.tenantId === tenantId);

/**
 * The read-model cache behind the Customers page (GRAPHQL_RESPONSE_CACHE=on, the default). To see
 * whether a page's rows came from the cache, a test changes a read-model row behind the
 * projections' back (no checkpoint moves): kept rows still show the old name, rows read afresh the
 * new.
 */
describe('the Customers page read-model cache', () => {
  const app = appForSuite();
  let ann: string;
  let readStore: ReadStore;
  const rename = (name: string) =>
    readStore.run(
      "UPDATE customers SET customer_name = ? WHERE customer_tenant_id = 'customer-0'",
      [name],
    );

  beforeAll(async () => {
    readStore = app.app.get<ReadStore>(READ_STORE);
    ann = await app.token(people.ann);
    await acceptedCustomers(app, ann, 3);
  });
  afterEach(() => rename('Customer 000'));

  it('R16: answers the same caller’s same query again while no read model moved', async () => {
    const first = await app.gql(ann, PAGE);
    rename('Renamed behind the projections');
    const again = await app.gql(ann, PAGE);
    expect(again).toEqual(first);
    const otherVariables = await app.gql(ann, PAGE, { first: 10 });
    expect(nodeOf(otherVariables, 'customer-0').name).toBe('Renamed behind the projections');
  });

  it('R16: a mutation followed by the same query shows the change', async () => {
    const before = await app.gql(ann, PAGE);
    expect(nodeOf(before, 'customer-1').delegatedAdmin.status).toBe('ACTIVE');
    expect(await app.gql(ann, PAGE)).toEqual(before);
    const removed = await app.gql(await app.token(customerAdmin(1)), REMOVE, {
      partner: people.ann.tid,
    });
    expect(removed.errors).toBeUndefined();
    const after = await app.gql(ann, PAGE);
    expect(nodeOf(after, 'customer-1').delegatedAdmin.status).toBe('REMOVED');
    const invitation = await app.gql(ann, REQUEST);
    await app.gql(await app.token(customerAdmin(3)), ACCEPT, {
      id: invitation.data.requestResellerRelationship.id,
    });
    const grown = await app.gql(ann, PAGE);
    expect(grown.data.customers.totalCount).toBe(after.data.customers.totalCount + 1);
  });

  it('R17: rows kept for a partner serve its own users only, mapped for each caller’s roles', async () => {
    const SERVICES = `{ customers { nodes { tenantId name services { name usable } } } }`;
    const servicesOf = (page: any) =>
      (nodeOf(page, 'customer-0') as unknown as { services: unknown }).services;
    const annPage = await app.gql(ann, SERVICES);
    rename('Renamed behind the projections');
    const samPage = await app.gql(await app.token(people.sam), SERVICES);
    expect(nodeOf(samPage, 'customer-0').name).toBe('Customer 000');
    expect(servicesOf(samPage)).not.toEqual(servicesOf(annPage));
    const otto = await app.gql(await app.token(people.otto), PAGE);
    expect(otto.data.customers).toEqual({ totalCount: 0, nodes: [] });
  });

  it('R16: a document that reads more than the Customers page keeps the page’s rows and answers the rest afresh', async () => {
    const mixed = `{ customers { nodes { tenantId name } } me { userId } }`;
    await app.gql(ann, mixed);
    rename('Renamed behind the projections');
    const again = await app.gql(ann, mixed);
    expect(nodeOf(again, 'customer-0').name).toBe('Customer 000');
    expect(again.data.me.userId).toBe('ann');
  });

  it('refuses an expired token even for a query answered from the cache before', async () => {
    const token = await app.token(people.ann);
    const answered = await app.gql(token, PAGE);
    expect(answered.errors).toBeUndefined();
    jest.useFakeTimers({
      doNotFake: [
        'nextTick',
        'setImmediate',
        'setTimeout',
        'setInterval',
        'clearTimeout',
        'clearInterval',
        'clearImmediate',
        'queueMicrotask',
        'hrtime',
        'performance',
      ],
    });
    try {
      jest.setSystemTime(Date.now() + 2 * 60 * 60 * 1000);
      const refused = await app.gql(token, PAGE);
      expect(refused.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    } finally {
      jest.useRealTimers();
    }
  });

  it('answers a cached page with the same status, body, content type and ETag as GraphQL did', async () => {
    const call = () =>
      request(app.url)
        .post('/graphql')
        .set('content-type', 'application/json')
        .set('authorization', `Bearer ${ann}`)
        .send({ query: PAGE, operationName: 'Page' });
    const first = await call();
    const again = await call();
    expect(again.status).toBe(200);
    expect(again.text).toBe(first.text);
    expect(again.headers['content-type']).toBe(first.headers['content-type']);
    expect(again.headers.etag).toBe(first.headers.etag);
  });
});
