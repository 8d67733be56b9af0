import request from 'supertest';
import { EsdbDouble } from '../support/esdb-double/esdb-double';
import { closeInstances, startApp, type TestApp } from '../support/app';
import { customerAdmin, people } from '../support/tenants';

const REQUEST_WITH_DAP = `mutation { requestResellerRelationship(input: { includeDelegatedAdmin: true }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { customerTenantId } }`;
const CUSTOMERS = '{ customers { totalCount nodes { tenantId delegatedAdmin { status } } } }';

async function post(
  app: TestApp,
  token: string,
  query: string,
  options: { variables?: Record<string, unknown>; headers?: Record<string, string> } = {},
) {
  const call = request(app.url)
    .post('/graphql')
    .set('content-type', 'application/json')
    .set('authorization', `Bearer ${token}`);
  for (const [name, value] of Object.entries(options.headers ?? {})) call.set(name, value);
  return call.send({ query, variables: options.variables });
}

describe('the consistency token across three instances on one EventStoreDB (the gRPC double)', () => {
  let double: EsdbDouble;
  let instances: TestApp[];
  // Leases renew as system (`$`) events, and the double adds its own, at any moment.
  const domainEvents = () => double.log.all().filter((e) => !e.type.startsWith('$')).length;

  beforeAll(async () => {
    double = await EsdbDouble.start({ batchAppend: true, systemEventEvery: 7 });
    instances = [];
    for (let index = 0; index < 3; index++) {
      instances.push(
        await startApp({
          env: { EVENTSTORE_URL: double.url, READ_YOUR_WRITES_TIMEOUT_MS: '2000' },
        }),
      );
    }
  }, 120_000);
  afterAll(async () => {
    await closeInstances(instances);
    await double.stop();
  });

  it('R7, R10: each acceptance through one instance is on the Customers page of the other two when read with its token', async () => {
    const [writer, ...readers] = instances;
    const ann = await writer.token(people.ann);
    for (let round = 0; round < 12; round++) {
      const requested = await post(writer, ann, REQUEST_WITH_DAP);
      const accepted = await post(writer, await writer.token(customerAdmin(round)), ACCEPT, {
        variables: { id: requested.body.data.requestResellerRelationship.id },
      });
      expect(accepted.body.errors).toBeUndefined();
      const token = accepted.headers['consistency-token'];
      expect(token).toMatch(/^[0-9]+$/);
      expect(accepted.body.extensions).toEqual({ consistencyToken: token });
      // The acceptance's token covers its follow-ups too: the relationship and the DAP grant.
      expect(Number(token)).toBeGreaterThan(Number(requested.headers['consistency-token']));

      const reader = readers[round % 2];
      const page = await post(reader, ann, CUSTOMERS, { headers: { 'consistency-token': token } });
      expect(page.status).toBe(200);
      expect(page.body.data.customers.totalCount).toBe(round + 1);
      expect(page.body.data.customers.nodes).toContainEqual({
        tenantId: `customer-${round}`,
        delegatedAdmin: { status: 'ACTIVE' },
      });
    }
  }, 120_000);

  it('a query carries no token; an idempotent replay carries the first answer\u2019s', async () => {
    const [writer, reader] = instances;
    const ann = await writer.token(people.ann);
    const page = await post(reader, ann, CUSTOMERS);
    expect(page.headers['consistency-token']).toBeUndefined();
    expect(page.body.extensions).toBeUndefined();

    const headers = { 'idempotency-key': 'scaleout-replay-1' };
    const first = await post(writer, ann, REQUEST_WITH_DAP, { headers });
    const replayed = await post(writer, ann, REQUEST_WITH_DAP, { headers });
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.headers['consistency-token']).toBe(first.headers['consistency-token']);
    expect(replayed.body).toEqual(first.body);
  });

  it('a token past the store’s head is INVALID_INPUT at once on any instance (no token it gave out), and nothing runs', async () => {
    const [, reader] = instances;
    const ann = await reader.token(people.ann);
    const ahead = String(Number.MAX_SAFE_INTEGER);
    const before = domainEvents();
    const started = Date.now();
    const refused = await post(reader, ann, REQUEST_WITH_DAP, {
      headers: { 'consistency-token': ahead },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].extensions).toEqual({ code: 'INVALID_INPUT' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(domainEvents()).toBe(before);
  });

  it.each(['abc', '-1', '1.5', '99999999999999999', '', '01', '007'])(
    'a malformed token (%p) is INVALID_INPUT, and nothing runs',
    async (token) => {
      const [, reader] = instances;
      const ann = await reader.token(people.ann);
      const before = domainEvents();
      const refused = await post(reader, ann, REQUEST_WITH_DAP, {
        headers: { 'consistency-token': token },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.errors[0].extensions).toEqual({ code: 'INVALID_INPUT' });
      expect(domainEvents()).toBe(before);
    },
  );
});
